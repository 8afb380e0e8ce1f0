import sys

from npf_screen.cli.main import main

sys.exit(main())
