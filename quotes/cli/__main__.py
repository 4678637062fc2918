"""`python -m quotes.cli`: the `quotes` command from a checkout, without the installed script."""
import sys

from .main import main

sys.exit(main())
