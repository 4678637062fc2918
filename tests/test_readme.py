"""The README's shell blocks run as written.

Every ```sh block in README.md is preceded by a marker comment saying whether this test runs it:

    <!-- readme-test: run -->                 run here, line by line, from the repository root
    <!-- readme-test: skip REASON -->         not run here, and why (a server, a corpus you may not have, a
                                              template whose PATH is yours); REASON is required

A block without a marker fails the test, so a new command cannot slip in untried. Runnable blocks run in
the repository root (on CI, a fresh clone) with `bash -e`, so a command that fails, or a path that only the
authors have, fails the test; their outputs go under out/, which git ignores.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"<!--\s*readme-test:\s*(run|skip)\b\s*(.*?)\s*-->")
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[int, str, str, str]]:
    """(line, marker, reason, commands) of every sh block."""
    text = README.read_text(encoding="utf-8")
    found = []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.search(before)
        found.append((line, marker.group(1) if marker else "", marker.group(2) if marker else "", match.group(1)))
    return found


def test_every_shell_block_says_whether_it_is_run() -> None:
    unmarked = [line for line, marker, _, _ in blocks() if not marker]
    assert not unmarked, f"README.md blocks at lines {unmarked} have no <!-- readme-test: ... --> marker"
    unexplained = [line for line, marker, reason, _ in blocks() if marker == "skip" and not reason]
    assert not unexplained, f"README.md blocks at lines {unexplained} are skipped without a reason"


def test_no_block_names_a_path_only_the_authors_have() -> None:
    private = [line for line, _, _, commands in blocks() if re.search(r"\.\./shared|/work/", commands)]
    assert not private, f"README.md blocks at lines {private} use the authors' own paths"


RUNNABLE = [(line, commands) for line, marker, _, commands in blocks() if marker == "run"]


@pytest.mark.model
@pytest.mark.parametrize("line,commands", RUNNABLE, ids=[f"line{line}" for line, _ in RUNNABLE])
def test_the_block_runs_as_written(line: int, commands: str) -> None:
    venv = Path(sys.executable).parent
    if not (ROOT / ".venv" / "bin" / "quotes").exists():
        pytest.skip("the README's commands use .venv/bin/quotes: run `make setup` first")
    # `make test` is the command that runs this test: running it here would run the suite inside itself
    commands = "\n".join(line for line in commands.splitlines() if not line.startswith("make test"))
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", commands], cwd=ROOT, capture_output=True,
                          text=True, timeout=900, env={"PATH": f"{venv}:/usr/bin:/bin", "HOME": str(Path.home()),
                                                       "LANG": "C.UTF-8"})
    assert done.returncode == 0, f"README.md line {line} failed:\n{commands}\n{done.stderr[-2000:]}"
