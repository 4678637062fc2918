"""Output files: checked before any work is done, then written whole or not at all.

`check_output` runs before a command annotates or downloads anything: an
output that is a folder, lies in a missing folder, cannot be created (no
permission, a read-only file system) or is one of the command's own inputs is a
one-line `OutputError` at once, not a traceback after the work. `atomic_write`
writes beside the target (`.NAME.part`) and moves the file into place only
when all of it is written; when writing fails (a full disk, a file too large)
the part file is removed and the error names the file and what to do.

A folder of parts (`part-00000.parquet`, ...) is written the same way as a
whole: into a temporary sibling folder, moved into place when every part is
written, removed on failure. `check_output_folder` refuses a folder that holds
anything but parts: only a folder this tool wrote may be replaced.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from ..errors import OutputError

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is used up; free some space and run again",
    errno.EFBIG: "the file grew larger than the file system or a limit allows; write somewhere else",
    errno.EROFS: "the file system is read-only; write somewhere else",
    errno.EACCES: "no permission to write there; check the folder's permissions or write somewhere else",
    errno.EPERM: "no permission to write there; check the folder's permissions or write somewhere else",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another output path",
    errno.EISDIR: "it is a folder; name a file to write",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter output path",
}


PART_NAME = re.compile(r"part-\d{5}\.parquet")  # the parts of a folder table: part-00000.parquet, ...


def part_name(index: int, suffix: str) -> str:
    """The file name of a folder table's part `index` (0-based): sorted by name, the parts are in order."""
    return f"part-{index:05d}{suffix}"


def _why(exc: OSError) -> str:
    what = exc.strerror or type(exc).__name__
    return f"{what}; {_ADVICE.get(exc.errno, 'choose another output path')}"


def part_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def check_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The output path, checked: a file that can be created, and none of the inputs (nor inside one read as
    one). Raises OutputError otherwise; creates nothing."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; name a file to write, e.g. {path / 'quotes.csv'}")
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"{parent}: output folder does not exist; create it first")
    if not parent.is_dir():
        raise OutputError(f"{parent}: is a file, not a folder; choose another output path")
    target = path.resolve()
    for raw in inputs:
        source = Path(raw)
        if source.exists() and not source.is_dir() and source.resolve() == target:
            raise OutputError(f"{path}: is also an input; write the output to another file, the input stays as it is")
    probe = part_path(path)
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({_why(exc)})") from None
    os.close(fd)
    _remove(probe)
    return path


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@contextmanager
def atomic_write(path: str | Path, newline: str | None = "", binary: bool = False) -> Iterator[IO]:
    """A text stream (a byte stream if `binary`) whose content becomes `path` only when the block ends without
    an error."""
    path = Path(path)
    part = part_path(path)
    with _undone_on_failure(path, lambda: _remove(part)):
        with (open(part, "wb") if binary else open(part, "w", encoding="utf-8", newline=newline)) as fh:
            yield fh
        os.replace(part, path)


@contextmanager
def _undone_on_failure(path: Path, undo: Callable[[], None]) -> Iterator[None]:
    """Run `undo` (remove what was written aside) when the block fails, however it fails; an OSError becomes
    one OutputError that names `path`."""
    try:
        yield
    except OSError as exc:
        undo()
        raise OutputError(f"{path}: writing failed ({_why(exc)}); nothing was written") from None
    except BaseException:
        undo()
        raise


def write_together(files: dict[Path, bytes]) -> None:
    """Several files that appear together or not at all (a page and its chart): each is written aside in full,
    and only then are they renamed into place; a failed write leaves none of them, and older files as they
    were."""
    parts: dict[Path, Path] = {}
    current = None
    try:
        for current, payload in files.items():
            parts[current] = part_path(current)
            with open(parts[current], "wb") as fh:
                fh.write(payload)
        for current, part in parts.items():
            os.replace(part, current)
    except OSError as exc:
        raise OutputError(f"{current}: writing failed ({_why(exc)}); nothing was written") from None
    finally:
        for part in parts.values():
            _remove(part)  # gone already once renamed


def _ours(folder: Path) -> bool:
    """An empty folder, or one of parts alone (a folder table this tool wrote)."""
    return all(p.is_file() and PART_NAME.fullmatch(p.name) for p in folder.iterdir())


def is_parts_folder(path: str | Path) -> bool:
    """A folder table written by `quotes extract -o FOLDER/`: Parquet parts and nothing else."""
    folder = Path(path)
    return folder.is_dir() and any(folder.iterdir()) and _ours(folder)


def _not_ours(path: Path) -> OutputError:
    return OutputError(f"{path}: is a folder with other files in it; name a new or empty folder (only a folder of "
                       "part-NNNNN files written by quotes is replaced)")


def check_output_folder(path: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The output folder of a table in parts, checked: new, empty or one of parts (replaced whole), in a
    folder where a sibling can be created, and neither an input nor holding one (the folder is replaced
    whole: an input there would be lost). Raises OutputError otherwise; creates nothing."""
    path = Path(path)
    target = path.resolve()
    for raw in inputs:
        source = Path(raw).resolve()
        if source == target or target in source.parents:
            raise OutputError(f"{path}: is or holds the input {raw}; write the parts to another folder, "
                              "the input stays as it is")
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"{parent}: output folder does not exist; create it first")
    if not parent.is_dir():
        raise OutputError(f"{parent}: is a file, not a folder; choose another output path")
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a folder; name a folder for the parts, or a file ending in "
                          ".csv, .jsonl or .parquet")
    if path.is_dir() and not _ours(path):
        raise _not_ours(path)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({_why(exc)})") from None
    return path


@contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """A new, empty folder whose content becomes `path` (replacing a folder of parts) only when the block ends
    without an error; on failure it is removed and `path` is as it was."""
    path = Path(path)
    part = None
    with _undone_on_failure(path, lambda: _remove_tree(part)):  # `part` as it is when the block fails
        part = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
        os.chmod(part, 0o777 & ~_umask())  # mkdtemp's folder is private; the table is as open as any new folder
        yield part
        _move_into_place(part, path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _move_into_place(part: Path, path: Path) -> None:
    """Rename `part` to `path`. A folder already there is moved aside first (a rename onto a folder that is not
    empty fails) and deleted once the new one is in place, or moved back if that fails."""
    if not path.exists():
        os.rename(part, path)
        return
    if not path.is_dir() or not _ours(path):  # it changed while the work ran
        raise _not_ours(path)
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
    os.rename(path, old)  # onto the empty folder mkdtemp made
    try:
        os.rename(part, path)
    except OSError:
        os.rename(old, path)
        raise
    _remove_tree(old)


def _remove_tree(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
