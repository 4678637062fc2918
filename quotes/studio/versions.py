"""The live backend's folder: its rules versions, which one is in use, its history, and the corrections.

Files and nothing else (no SDK, no model): `quotes studio serve-model` predicts with the version in use,
its learning writes new ones, `quotes studio versions` lists them.

```
MODEL_DIR/                     (default .studio/model; --state, or QUOTES_MODEL_DIR)
  rules/<version>.yaml         every version ever put in use, the base (the rules it started from) first
  current.json                 the version in use: {"version", "file", "record"}
  history.jsonl                one line per learning attempt: accepted, rejected, unchanged or failed
  corrections/<project>.json   each project's corrected tasks, as `quotes pull` writes them
  projects.json                each project's tasks as the last learning saw them (what is new since)
  job.json                     the learning running now (its pid), gone when it ends
```

Crash-safe by order: a new version's rules file is written whole (written aside, flushed to disk,
renamed) before `current.json` is replaced by a rename, and its history line comes after. A learning
killed at any point leaves `current.json` naming the version before it; its rules file, if written, is
unused; the backend notes the attempt as failed when it finds the job gone (`job.json` naming a dead
process). A reader that sees `current.json` sees a whole file naming a whole rules file.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..errors import StudioError
from ..rules import Rules, load_rules

CURRENT = "current.json"
HISTORY = "history.jsonl"
PROJECTS = "projects.json"
JOB = "job.json"
LIVE = "-live."  # the backend's versions are BASE-live.1, BASE-live.2, ...: never a version `quotes learn` makes


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def write_atomic(path: Path, text: str) -> None:
    """`path` holds `text` whole, or what it held before: written aside, flushed to disk, renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    try:
        with open(part, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)  # the rename itself survives a power cut
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _safe(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", version) or "_"


def first_live_version(base: str) -> str:
    return f"{base}{LIVE}1"


@dataclass(frozen=True)
class InUse:
    version: str
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size) of current.json: changes when another version is put in use


class ModelStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- paths ---------------------------------------------------------------

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def corrections_dir(self) -> Path:
        return self.root / "corrections"

    def corrections_file(self, project: int) -> Path:
        return self.corrections_dir / f"{int(project)}.json"

    def rules_file(self, version: str) -> Path:
        return self.rules_dir / f"{_safe(version)}.yaml"

    # -- the version in use --------------------------------------------------

    def initialise(self, rules_path: str | Path | None) -> Rules:
        """The rules in use; on the first start, `rules_path` (or the packaged rules) becomes the base version.

        A folder started from other rules is refused when `rules_path` is given: its versions were learned
        from those, and mixing them would make versions no one can reproduce."""
        current = _read_json(self.root / CURRENT, None)
        if current is None:
            rules = load_rules(rules_path)
            self.root.mkdir(parents=True, exist_ok=True)
            path = self.rules_file(rules.version)
            _save(rules, path)
            record = {"version": rules.version, "status": "base", "finished": now(),
                      "from": str(rules_path) if rules_path else "the packaged rules", "sha256": _sha(path)}
            self._switch(rules.version, path, record)
            self.append_history(record)
            return load_rules(path)
        if rules_path is not None:
            given = load_rules(rules_path)
            base = self.base()
            if base is not None and given.to_yaml() != load_rules(self.rules_file(base["version"])).to_yaml():
                raise StudioError(f"{self.root} was started from other rules (version {base['version']}); "
                                  f"drop --rules to go on with its versions, or give another --state folder to "
                                  f"start from {rules_path}")
        return self.load_current()

    def in_use(self) -> InUse:
        path = self.root / CURRENT
        try:
            st = path.stat()
        except OSError:
            raise StudioError(f"{self.root}: no rules version in use; start `quotes studio serve-model` once to "
                              "make one") from None
        current = _read_json(path, None)
        if not isinstance(current, dict) or "file" not in current:
            raise StudioError(f"{path}: not a version record; restore it from {self.root / HISTORY}")
        return InUse(str(current["version"]), self.root / current["file"], (st.st_mtime_ns, st.st_size))

    def load_current(self) -> Rules:
        return load_rules(self.in_use().path)

    def base(self) -> dict | None:
        return next((r for r in self.history() if r.get("status") == "base"), None)

    def base_rules(self) -> Rules:
        base = self.base()
        if base is None:
            raise StudioError(f"{self.root}: no base version in {HISTORY}; start afresh with another --state folder")
        return load_rules(self.rules_file(base["version"]))

    def put_in_use(self, rules: Rules, record: dict) -> None:
        """Write `rules` whole, then make it the version in use, then note it in the history."""
        path = self.rules_file(rules.version)
        _save(rules, path)
        record = {**record, "sha256": _sha(path)}
        self._switch(rules.version, path, record)
        self.append_history(record)

    def _switch(self, version: str, path: Path, record: dict) -> None:
        write_atomic(self.root / CURRENT, json.dumps(
            {"version": version, "file": str(path.relative_to(self.root)), "record": record}, indent=1) + "\n")

    # -- history -------------------------------------------------------------

    def append_history(self, record: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / HISTORY, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def history(self) -> list[dict]:
        """Every attempt, oldest first; a version put in use whose line a kill cut off comes from current.json."""
        out = []
        try:
            lines = (self.root / HISTORY).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line a kill cut short
            if isinstance(record, dict):
                out.append(record)
        current = _read_json(self.root / CURRENT, {})
        record = current.get("record") if isinstance(current, dict) else None
        if isinstance(record, dict) and not any(r.get("version") == record.get("version")
                                                and r.get("status") in ("base", "accepted") for r in out):
            out.append(record)
        return out

    def versions(self) -> list[str]:
        """The versions that were in use, newest first."""
        return [r["version"] for r in reversed(self.history()) if r.get("status") in ("base", "accepted")]

    def next_version(self) -> str:
        """BASE-live.N, one more than any version this folder made."""
        base = self.base()
        name = base["version"] if base else "rules"
        numbers = [int(m.group(1)) for v in self.versions()
                   for m in [re.fullmatch(re.escape(name + LIVE) + r"(\d+)", v)] if m]
        return f"{name}{LIVE}{max(numbers, default=0) + 1}"

    # -- corrections ---------------------------------------------------------

    def projects(self) -> list[int]:
        return sorted(int(p.stem) for p in self.corrections_dir.glob("*.json") if p.stem.isdigit())

    def corrections(self, project: int) -> list[dict]:
        tasks = _read_json(self.corrections_file(project), [])
        return tasks if isinstance(tasks, list) else []

    def save_corrections(self, project: int, tasks: Iterable[dict]) -> None:
        tasks = sorted(tasks, key=lambda t: int(t.get("id") or 0))
        write_atomic(self.corrections_file(project), json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")

    def seen(self) -> dict[str, dict[str, str]]:
        """project -> task -> the signature of its annotation when the last learning read it."""
        seen = _read_json(self.root / PROJECTS, {})
        return seen if isinstance(seen, dict) else {}

    def save_seen(self, seen: dict[str, dict[str, str]]) -> None:
        write_atomic(self.root / PROJECTS, json.dumps(seen, indent=1, sort_keys=True) + "\n")

    # -- the running job -----------------------------------------------------

    def job(self) -> dict | None:
        job = _read_json(self.root / JOB, None)
        return job if isinstance(job, dict) else None

    def start_job(self, job: dict) -> None:
        write_atomic(self.root / JOB, json.dumps(job) + "\n")

    def end_job(self) -> None:
        (self.root / JOB).unlink(missing_ok=True)


def _save(rules: Rules, path: Path) -> None:
    """The rules written whole (aside, then renamed: `Rules.save`) and flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rules.save(path)
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
