"""``python -m npf_screen.cli``: the same entry point as the ``npf-screen`` command."""

import sys

from npf_screen.cli.main import main

sys.exit(main())
