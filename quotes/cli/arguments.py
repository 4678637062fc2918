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


def positive_number(unit: str) -> Callable[[str], float]:
    """An argparse type for an amount in `unit` (seconds, MB): a number greater than 0."""
    def parse(value: str) -> float:
        try:
            x = float(value)
        except ValueError:
            x = 0.0
        if not x > 0 or x == float("inf"):
            raise argparse.ArgumentTypeError(f"{value!r} is not a number of {unit}; give a number above 0")
        return x
    return parse


# Label Studio's own bounds on a project title (PROJECT_TITLE_MIN_LEN, PROJECT_TITLE_MAX_LEN in its settings):
# a title outside them came back as the server's raw HTTP 400 after the whole corpus had been annotated
TITLE_MIN, TITLE_MAX = 3, 50


def project_title(value: str) -> str:
    """An argparse type for a Label Studio project title: 3 to 50 characters, spaces at the ends dropped."""
    title = value.strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise argparse.ArgumentTypeError(f"{value!r}: a Label Studio project title has {TITLE_MIN} to {TITLE_MAX} "
                                         f"characters (this has {len(title)})")
    return title
