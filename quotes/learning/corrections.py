"""Read corrections: Label Studio full JSON exports and gold JSONL, as the human's quote rows per document.

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
from ..evaluation.evaluate import Gold, GoldQuote, load_jsonl_gold
from ..records import Quote


@dataclass
class CorrectedDoc:
    """One document as a person says it should be annotated."""

    doc_id: str
    text: str
    human: list[GoldQuote]  # direct and partial quotes with canonical speaker, mention and stance
    origin: str


def as_gold(docs: Iterable[CorrectedDoc]) -> Gold:
    """Corrected documents as the gold `quotes learn` and `quotes eval` measure against."""
    docs = list(docs)
    return Gold([q for d in docs for q in d.human], {d.doc_id: d.text for d in docs}, "segment",
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


def load_corrections(paths: Iterable[str | Path], texts_dir: str | Path | None = None
                     ) -> tuple[list[CorrectedDoc], list[CorrectionFile]]:
    """The corrected documents of Label Studio exports (.json) and gold files (.jsonl); a later file wins."""
    by_doc: dict[str, CorrectedDoc] = {}
    files = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError(f"{path}: no such corrections file; pass a `quotes pull` export or a gold .jsonl")
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
    return [by_doc[k] for k in sorted(by_doc)], files
