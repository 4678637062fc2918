"""Quote rows <-> Label Studio tasks and results. Pure: no SDK, no network, no files.

A document becomes one task: `data` holds its text, its id and the SHA-256 of
its text (the key that keeps a second push from adding the task again), and
the prediction holds one QUOTE region per quote (region id = quote_id) with its
per-region speaker, stance and type, a SPEAKER region per mention and a
`said_by` relation from quote to mention. What the interface cannot show (cue,
scores, stance cues, confidence) rides along in the QUOTE region's `meta`, so
that a quote nobody touched comes back byte for byte as `quotes extract` wrote it.

Back from an export, a task's rows are those of its latest completed annotation
(cancelled ones are ignored), merged with the prediction it was made from;
without one, the rows of its latest prediction.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from ..errors import StudioError
from ..records import Quote, stance_probs
from .labelconfig import KIND, QUOTE, SAID_BY, SPANS, SPEAKER, SPEAKER_NAME, STANCE, TEXT, TYPE

HUMAN = "annotator"  # stance_cues of a stance an annotator chose
NEUTRAL = "neutral"


# -- tasks ------------------------------------------------------------------

def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def task_data(doc_id: str, text: str) -> dict[str, str]:
    return {TEXT: text, "doc_id": doc_id, "text_sha256": text_hash(text)}


def task_key(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """(doc_id, text hash) of a task's data; None for a task this package did not push."""
    doc_id, digest = data.get("doc_id"), data.get("text_sha256")
    if doc_id is None or not digest:
        return None
    return str(doc_id), str(digest)


def mention_id(start: int, end: int) -> str:
    return f"m{start}-{end}"


def task_score(quotes: Iterable[Quote]) -> float:
    """How sure a task's prediction is: the confidence of its least sure attribution (1.0 with no quote). The
    Data Manager sorts by it, least certain first (`quotes studio triage` measures that order)."""
    score = min((q.confidence for q in quotes), default=1.0)
    return round(min(max(score, 0.0), 1.0), 4)


def prediction(quotes: Sequence[Quote], model_version: str) -> dict[str, Any]:
    """One document's quotes as a Label Studio prediction, scored by `task_score`."""
    return {"model_version": model_version, "score": task_score(quotes), "result": prediction_result(quotes)}


def prediction_result(quotes: Iterable[Quote]) -> list[dict[str, Any]]:
    """QUOTE regions with their per-region speaker/stance/type, SPEAKER regions, `said_by` relations."""
    regions: list[dict[str, Any]] = []
    mentions: dict[str, dict[str, Any]] = {}
    relations: list[dict[str, Any]] = []
    for q in sorted(quotes, key=lambda q: (q.start, q.end)):
        span = {"start": q.start, "end": q.end}
        regions.append(_result(q.quote_id, SPANS, "labels", {**span, "text": q.text, "labels": [QUOTE]},
                               score=_unit(q.confidence), meta={"text": [_note(q)], "quotes": _machine(q)}))
        if q.speaker:
            regions.append(_result(q.quote_id, SPEAKER_NAME, "textarea", {**span, "text": [q.speaker]}))
        if q.speaker_kind:
            regions.append(_result(q.quote_id, KIND, "choices", {**span, "choices": [q.speaker_kind]}))
        regions.append(_result(q.quote_id, STANCE, "choices", {**span, "choices": [q.stance]}))
        regions.append(_result(q.quote_id, TYPE, "choices", {**span, "choices": [q.type]}))
        if q.mention_start is not None and q.mention_end is not None:
            mid = mention_id(q.mention_start, q.mention_end)
            mentions.setdefault(mid, _result(mid, SPANS, "labels", {
                "start": q.mention_start, "end": q.mention_end, "text": q.speaker_mention, "labels": [SPEAKER]}))
            relations.append({"type": "relation", "from_id": q.quote_id, "to_id": mid,
                              "direction": "right", "labels": [SAID_BY]})
    return regions + list(mentions.values()) + relations


def _result(rid: str, from_name: str, kind: str, value: dict, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "from_name": from_name, "to_name": TEXT, "type": kind, "value": value, **extra}


def _unit(x: float) -> float:
    return min(max(float(x), 0.0), 1.0)


def _note(q: Quote) -> str:
    parts = [f"cue: {q.cue}" if q.cue else "no cue", f"confidence {q.confidence:.2f}"]
    if q.stance_cues:
        parts.append(f"stance cues: {q.stance_cues}")
    return "; ".join(parts)


def _machine(q: Quote) -> dict[str, Any]:
    """The columns the interface cannot show, kept so untouched rows come back unchanged."""
    return {"quote_id": q.quote_id, "cue": q.cue, "stance_score": q.stance_score, "stance_cues": q.stance_cues,
            "confidence": q.confidence, "rules_version": q.rules_version, "speaker_gender": q.speaker_gender,
            "speaker_gender_evidence": q.speaker_gender_evidence, "stance_probs": dict(q.stance_probs)}


# -- results back to rows ---------------------------------------------------

@dataclass
class _Region:
    rid: str
    start: int
    end: int
    labels: list[str] = field(default_factory=list)
    speaker: str | None = None
    kind: str | None = None
    stance: str | None = None
    type: str | None = None
    machine: dict[str, Any] = field(default_factory=dict)


def _regions(result: Sequence[Mapping[str, Any]], where: str) -> tuple[dict[str, _Region], list[Mapping]]:
    regions: dict[str, _Region] = {}
    relations = []
    for item in result:
        if not isinstance(item, Mapping):
            raise StudioError(f"{where}: a result item is not an object; pull the export again with `quotes pull`")
        if item.get("type") == "relation":
            relations.append(item)
            continue
        value = item.get("value") or {}
        rid = str(item.get("id", ""))
        if "start" not in value or "end" not in value or not rid:
            continue  # not a span on the text (another control of a hand-made config)
        try:
            region = regions.setdefault(rid, _Region(rid, int(value["start"]), int(value["end"])))
        except (TypeError, ValueError):
            raise StudioError(f"{where}: region {rid} has offsets {value.get('start')!r}, {value.get('end')!r}; "
                              "expected character offsets") from None
        name = item.get("from_name")
        if name == SPANS:
            region.start, region.end = int(value["start"]), int(value["end"])
            region.labels = [str(x) for x in value.get("labels") or []]
            meta = item.get("meta") or {}
            if isinstance(meta, Mapping) and isinstance(meta.get("quotes"), Mapping):
                region.machine = dict(meta["quotes"])
        elif name == SPEAKER_NAME:
            texts = [str(t).strip() for t in value.get("text") or [] if str(t).strip()]
            region.speaker = texts[-1] if texts else ""
        elif name == KIND:
            region.kind = _first(value.get("choices"))
        elif name == STANCE:
            region.stance = _first(value.get("choices"))
        elif name == TYPE:
            region.type = _first(value.get("choices"))
    return regions, relations


def _first(values: Any) -> str | None:
    return str(values[0]) if values else None


def _mention(quote: _Region, regions: Mapping[str, _Region], relations: Sequence[Mapping]) -> _Region | None:
    """The SPEAKER region a `said_by` relation links to the quote (either way round; labelled ones first)."""
    found = []
    for rel in relations:
        ends = (str(rel.get("from_id")), str(rel.get("to_id")))
        if quote.rid not in ends:
            continue
        other = regions.get(ends[1] if ends[0] == quote.rid else ends[0])
        if other is None or SPEAKER not in other.labels or QUOTE in other.labels:
            continue
        labelled = SAID_BY in (rel.get("labels") or [])
        found.append((not labelled, ends[0] != quote.rid, other.start, other))
    return min(found, key=lambda f: f[:3])[3] if found else None


def rows_from_result(result: Sequence[Mapping[str, Any]], doc_id: str, text: str, rules_version: str = "",
                     where: str = "") -> list[Quote]:
    """The quote rows a result (prediction or annotation) holds, as Label Studio shows them."""
    regions, relations = _regions(result, where or doc_id)
    rows = []
    for r in regions.values():
        if QUOTE not in r.labels:
            continue
        if not 0 <= r.start < r.end <= len(text):
            raise StudioError(f"{where or doc_id}: quote region {r.rid} ({r.start}-{r.end}) lies outside the "
                              f"document's {len(text)} characters; fix it in Label Studio")
        m = r.machine
        mention = _mention(r, regions, relations)
        rows.append(Quote(
            doc_id=doc_id, quote_id=str(m.get("quote_id") or r.rid), start=r.start, end=r.end,
            text=text[r.start:r.end], type=r.type or "direct", speaker=r.speaker or "",
            speaker_kind=(r.kind or "") if r.speaker else "",
            speaker_mention=text[mention.start:mention.end] if mention else "",
            mention_start=mention.start if mention else None, mention_end=mention.end if mention else None,
            cue=str(m.get("cue") or ""), stance=r.stance or NEUTRAL,
            stance_score=float(m.get("stance_score") or 0.0), stance_cues=str(m.get("stance_cues") or ""),
            confidence=float(m.get("confidence") or 0.0), rules_version=str(m.get("rules_version") or rules_version),
            speaker_gender=str(m.get("speaker_gender") or "unknown"),
            speaker_gender_evidence=str(m.get("speaker_gender_evidence") or "none"),
            stance_probs=stance_probs(m.get("stance_probs"))))
    return sorted(rows, key=lambda q: (q.start, q.end))


def merge(human: Sequence[Quote], machine: Sequence[Quote], rules_version: str = "") -> list[Quote]:
    """The annotation's rows, keeping the machine's hidden columns where the annotator left its answer standing.

    A quote is the machine's when it has the machine's quote id or span. A changed
    stance gets stance_score 1.0 and stance_cues "annotator"; a changed speaker or
    mention gets confidence 1.0; a quote the annotator added gets both, an empty
    cue, and the rules version of the prediction it was added to. Machine quotes
    missing from the annotation were deleted by the annotator.
    """
    by_id = {q.quote_id: q for q in machine}
    by_span = {(q.start, q.end): q for q in machine}
    out = []
    for h in human:
        m = by_id.get(h.quote_id) or by_span.get((h.start, h.end))
        if m is None:
            out.append(replace(h, cue="", confidence=1.0, rules_version=h.rules_version or rules_version,
                               stance_score=1.0, stance_cues=HUMAN))
            continue
        row = replace(m, start=h.start, end=h.end, text=h.text, type=h.type, speaker=h.speaker, speaker_kind=h.speaker_kind,
                      speaker_mention=h.speaker_mention, mention_start=h.mention_start, mention_end=h.mention_end,
                      stance=h.stance)
        if h.stance != m.stance:  # the label is a person's now: no model's probabilities
            row = replace(row, stance_score=1.0, stance_cues=HUMAN, stance_probs={})
        if (h.speaker, h.speaker_kind, h.mention_start, h.mention_end) != (m.speaker, m.speaker_kind, m.mention_start,
                                                                           m.mention_end):
            row = replace(row, confidence=1.0)
        if h.speaker != m.speaker:
            row = replace(row, speaker_gender="unknown", speaker_gender_evidence="none")  # nobody said the new one's
        out.append(row)
    return sorted(out, key=lambda q: (q.start, q.end))


# -- an export back to the quote table ---------------------------------------

def _when(item: Mapping[str, Any]) -> tuple[datetime, int]:
    stamp = item.get("updated_at") or item.get("created_at") or ""
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.min
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment, int(item.get("id") or 0)


def latest_completed(annotations: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The most recently updated annotation that was submitted, not cancelled (skipped)."""
    done = [a for a in annotations if isinstance(a, Mapping) and not a.get("was_cancelled")
            and isinstance(a.get("result"), list)]
    return max(done, key=_when) if done else None


def task_rows(task: Mapping[str, Any], where: str = "export") -> list[Quote]:
    """The corrected quote rows of one exported task."""
    data = task.get("data") or {}
    text, doc_id = data.get(TEXT), data.get("doc_id")
    label = f"{where}: task {task.get('id')}"
    if not isinstance(text, str) or doc_id is None:
        raise StudioError(f"{label} has no text and doc_id in its data; it was not pushed by `quotes push`")
    doc_id = str(doc_id)
    predictions = task.get("predictions") or []
    if any(not isinstance(p, Mapping) for p in predictions):
        raise StudioError(f"{where}: predictions are ids only (a plain JSON export); "
                          "pull the full export with `quotes pull`")
    latest = max(predictions, key=_when) if predictions else None
    annotation = latest_completed(task.get("annotations") or [])
    if annotation is None:
        if latest is None:
            return []
        return rows_from_result(latest.get("result") or [], doc_id, text, str(latest.get("model_version") or ""), label)
    base = annotation.get("prediction")
    if not (isinstance(base, Mapping) and isinstance(base.get("result"), list)):
        parent = annotation.get("parent_prediction")
        base = next((p for p in predictions if p.get("id") == parent), latest)
    version = str(base.get("model_version") or "") if base else ""
    machine = rows_from_result(base.get("result") or [], doc_id, text, version, label) if base else []
    human = rows_from_result(annotation["result"], doc_id, text, version, label)
    return merge(human, machine, version)


def export_rows(tasks: Sequence[Mapping[str, Any]], where: str = "export") -> list[Quote]:
    """The corrected quote table of a full JSON export: one version per document (its newest task)."""
    if not isinstance(tasks, list):
        raise StudioError(f"{where}: not a Label Studio JSON export (expected a list of tasks); pull one with `quotes pull`")
    newest: dict[str, Mapping[str, Any]] = {}
    order: list[str] = []
    for task in sorted((t for t in tasks if isinstance(t, Mapping)), key=lambda t: int(t.get("id") or 0)):
        doc_id = str((task.get("data") or {}).get("doc_id"))
        if doc_id not in newest:
            order.append(doc_id)
        newest[doc_id] = task  # a changed document is a newer task; its text is the current one
    rows: list[Quote] = []
    for doc_id in order:
        rows.extend(task_rows(newest[doc_id], where))
    return rows
