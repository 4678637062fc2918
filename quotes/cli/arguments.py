"""Argument types shared by the commands (argparse turns their errors into usage errors, exit 2)."""
from __future__ import annotations

import argparse
from typing import Callable


def positive(noun: str) -> Callable[[str], int]:
    """An argparse type for a count of `noun` (processes, speakers, ...): a whole number of 1 or more."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number of {noun}; give 1 or more")
        return n
    return parse
