import sys

from npf_screen.cli import main

sys.exit(main())
