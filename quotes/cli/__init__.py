"""The `quotes` command, one module per command; `main` is the entry point."""
from .main import build_parser, main

__all__ = ["build_parser", "main"]
