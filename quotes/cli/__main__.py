"""`python -m quotes.cli`: the same as the `quotes` command."""
import sys

from .main import main

sys.exit(main())
