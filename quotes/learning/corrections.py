"""Read corrections: Label Studio full JSON exports, gold JSONL and canonical-speaker gold (a folder of one
JSON file per article, PolNeAR's `canonical/`), as the human's quote rows per document.

Only documents a person actually corrected count: an exported task without a
completed annotation is the machine's word, not evidence.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..evaluation.canonical_gold import is_canonical_folder
from ..evaluation.evaluate import Gold, GoldQuote, load_canonical_gold, load_jsonl_gold
from ..records import Quote


@dataclass
class CorrectedDoc:
    """One document as a person says it should be annotated."""

    doc_id: str
    text: str
    human: list[GoldQuote]  # direct and partial quotes with canonical speaker, mention and stance
    origin: str
    scheme: str = "segment"  # how its quotes are cut and judged: "segment", or "canonical" (whole quotations)

    @property
    def unit(self) -> str:
        """The unit the machine annotates it in to be compared: canonical gold counts whole quotations."""
        return "utterance" if self.scheme == "canonical" else "segment"


def as_gold(docs: Iterable[CorrectedDoc]) -> Gold:
    """Corrected documents as the gold `quotes learn` and `quotes eval` measure against."""
    docs = list(docs)
    scheme = "canonical" if any(d.scheme == "canonical" for d in docs) else "segment"
    return Gold([q for d in docs for q in d.human], {d.doc_id: d.text for d in docs}, scheme,
                frozenset(d.doc_id for d in docs))  # a document with no quote counts: any quote there is false


@dataclass(frozen=True)
class CorrectionFile:
    path: str
    sha256: str


def _from_rows(rows: list[Quote]) -> list[GoldQuote]:
    return [GoldQuote(q.doc_id, q.start, q.end, q.text, q.type, q.speaker, [], q.stance, [],
                      mention=q.speaker_mention, mention_start=q.mention_start, mention_end=q.mention_end)
            for q in rows]


def _studio_docs(path: Path, tasks: list) -> list[CorrectedDoc]:
    from ..studio.convert import TEXT, latest_completed, task_rows  # pure conversion, no SDK

    newest: dict[str, dict] = {}
    for task in sorted((t for t in tasks if isinstance(t, dict)), key=lambda t: int(t.get("id") or 0)):
        doc_id = (task.get("data") or {}).get("doc_id")
        if doc_id is not None:
            newest[str(doc_id)] = task  # a changed document is a newer task
    docs = []
    for doc_id, task in sorted(newest.items()):
        if latest_completed(task.get("annotations") or []) is None:
            continue
        rows = task_rows(task, str(path))
        docs.append(CorrectedDoc(doc_id, task["data"][TEXT], _from_rows(rows), f"{path}: task {task.get('id')}"))
    return docs


def _gold_docs(path: Path, texts_dir: Path | None) -> list[CorrectedDoc]:
    if texts_dir is None:
        raise InputError(f"{path}: gold JSONL needs its texts; pass the folder with --texts")
    gold = load_jsonl_gold(path, {})
    docs = []
    by_doc: dict[str, list[GoldQuote]] = {d: [] for d in gold.documents}
    for g in gold.quotes:
        if g.type in ("direct", "partial"):
            by_doc[g.doc_id].append(g)
    for doc_id in sorted(by_doc):
        text = texts_dir / f"{doc_id}.txt"
        if not text.is_file():
            raise InputError(f"{path}: no text for document {doc_id} in {texts_dir}; pass the right --texts folder")
        docs.append(CorrectedDoc(doc_id, text.read_text(encoding="utf-8"), by_doc[doc_id], str(path)))
    return docs


def _canonical_docs(folder: Path, texts_dir: Path | None) -> list[CorrectedDoc]:
    gold = load_canonical_gold(folder, texts_dir)
    by_doc: dict[str, list[GoldQuote]] = {d: [] for d in sorted(gold.texts)}
    for g in gold.quotes:
        by_doc[g.doc_id].append(g)
    return [CorrectedDoc(d, gold.texts[d], by_doc[d], str(folder), "canonical") for d in sorted(by_doc)]


def _folder_digest(folder: Path) -> str:
    """One SHA-256 for a folder of gold files: of each file's name and bytes, in sorted order."""
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.json")):
        h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def load_corrections(paths: Iterable[str | Path], texts_dir: str | Path | None = None
                     ) -> tuple[list[CorrectedDoc], list[CorrectionFile]]:
    """The corrected documents of Label Studio exports (.json) and gold files (.jsonl); a later file wins."""
    by_doc: dict[str, CorrectedDoc] = {}
    files = []
    for raw in paths:
        path = Path(raw)
        if is_canonical_folder(path):
            files.append(CorrectionFile(f"{path.parent.name}/{path.name}", _folder_digest(path)))
            for doc in _canonical_docs(path, Path(texts_dir) if texts_dir else None):
                by_doc[doc.doc_id] = doc
            continue
        if not path.is_file():
            raise InputError(f"{path}: no such corrections file; pass a `quotes pull` export, a gold .jsonl or a "
                             "folder of canonical-speaker gold")
        data = path.read_bytes()
        files.append(CorrectionFile(path.name, hashlib.sha256(data).hexdigest()))
        if path.suffix.lower() == ".jsonl":
            docs = _gold_docs(path, Path(texts_dir) if texts_dir else None)
        else:
            try:
                tasks = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"{path}: not a Label Studio JSON export ({exc}); pull one with `quotes pull`") from None
            if not isinstance(tasks, list):
                raise InputError(f"{path}: not a Label Studio JSON export (expected a list of tasks)")
            docs = _studio_docs(path, tasks)
        for doc in docs:
            by_doc[doc.doc_id] = doc
    if len({d.scheme for d in by_doc.values()}) > 1:
        raise InputError("canonical-speaker gold counts whole quotations and other corrections count segments: "
                         "learn from them in separate runs")
    return [by_doc[k] for k in sorted(by_doc)], files
