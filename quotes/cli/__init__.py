"""The `quotes` command, one module per command; `main` is the entry point.

In: the command line. Out: files, standard output and exit statuses (`status`). Each command turns the
library's one-line errors into `Error: ...` and an exit status; nothing else in the package imports the CLI,
so everything it runs can be called without it.
"""
from .main import build_parser, main

__all__ = ["build_parser", "main"]
