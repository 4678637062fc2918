"""Measure predicted quotes against gold: the seeds' JSONL gold, or brat standoff (PolNeAR).

JSONL gold holds one row per quote segment, with canonical speakers and
stance; a prediction is cut at newlines and matches a gold row when their
overlap covers at least half of each. Brat attribution gold (PolNeAR) holds
one content per attribution, with the source as a mention; a prediction
matches when their words overlap by half of either, and its speaker is right
when its words (canonical name or mention) meet the source's content words.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..records import Quote
from ..text.paragraphs import ParagraphIndex
from .canonical_gold import is_canonical_folder, read_canonical, speaker_right

QUOTE_CHARS = '"“”«»'
_STOP = set("the a an of to and in on for said says say told he she they it i we you his her their its this "
            "that is was be by with at as from mr ms mrs".split())


def _norm(name: str) -> str:
    s = (name or "").casefold().replace("’", "'").strip()
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s)


def _words(s: str) -> list[str]:
    return re.findall(r"[\w']+", (s or "").lower())


def _content_words(s: str) -> set[str]:
    return {w for w in _words(s) if w not in _STOP}


# -- gold ------------------------------------------------------------------


@dataclass
class GoldQuote:
    doc_id: str
    start: int
    end: int
    text: str
    type: str = "direct"  # direct | partial | other
    speaker: str = ""
    speaker_alternates: list[str] = field(default_factory=list)
    stance: str = ""
    stance_alternates: list[str] = field(default_factory=list)
    mention: str = ""  # the words naming the speaker, when the gold says (Label Studio corrections do)
    mention_start: int | None = None
    mention_end: int | None = None
    speaker_is_mention: bool = False  # `speaker` is those words, not a canonical name (converted brat gold)
    speaker_kind: str = ""  # person, organisation, group, unnamed, none: canonical gold says, and is judged by it


@dataclass
class Gold:
    """Gold quotes and the texts they point into; `scheme` says how rows were cut."""

    quotes: list[GoldQuote]
    texts: dict[str, str]
    scheme: str  # "segment" (JSONL), "attribution" (brat) or "canonical" (canonical-speaker JSON)
    documents: frozenset[str] = frozenset()  # documents annotated whether or not they hold a quote


def _offset(value) -> int | None:
    return None if value in (None, "") else int(value)


def load_jsonl_gold(path: Path, texts: dict[str, str]) -> Gold:
    """One row per quote segment; a row with only a doc_id says the document was annotated (no quote in it
    unless other rows say so)."""
    quotes, documents = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            doc_id = Path(str(r["doc_id"])).stem
            documents.add(doc_id)
            if "start" not in r and "end" not in r:
                continue
            quotes.append(GoldQuote(
                doc_id=doc_id, start=int(r["start"]), end=int(r["end"]), text=r.get("text", ""),
                type=r.get("type", "direct"), speaker=r.get("speaker") or "",
                speaker_alternates=list(r.get("speaker_alternates") or []), stance=r.get("stance") or "",
                stance_alternates=list(r.get("stance_alternates") or []),
                mention=r.get("speaker_mention") or "", mention_start=_offset(r.get("mention_start")),
                mention_end=_offset(r.get("mention_end")), speaker_is_mention=bool(r.get("speaker_is_mention"))))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not a gold row ({exc}); see annotations/GOLD_FORMAT.md") from None
    return Gold(quotes, texts, "segment", frozenset(documents))


def parse_ann(ann: str) -> tuple[dict, list[dict]]:
    """Spans (id -> label, [(start, end), ...]) and events (role -> id) of a brat .ann text."""
    spans, events = {}, []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not re.match(r"^[TE]\d+$", parts[0]):
            continue
        if parts[0][0] == "T":
            label = parts[1].split(" ", 1)[0]
            pieces = parts[1][len(label) + 1:].split(";")
            spans[parts[0]] = (label, [tuple(map(int, p.split()[-2:])) for p in pieces])
        else:
            events.append(dict(x.split(":", 1) for x in parts[1].split() if ":" in x))
    return spans, events


def near_quote(text: str, start: int, end: int) -> bool:
    return any(c in text[max(0, start - 2):end + 2] for c in QUOTE_CHARS)


def brat_documents(folder: Path) -> Iterator[tuple[str, str, Path]]:
    """(doc_id, text, .ann path) in sorted order: PolNeAR layout (text/ and attributions/) or .txt and .ann
    side by side; the first annotator's file when a text has several (suffixes `_xxxx`)."""
    ann_dir = folder / "attributions" if (folder / "attributions").is_dir() else folder
    txt_dir = folder / "text" if (folder / "text").is_dir() else folder
    seen = set()
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        if not (txt_dir / f"{stem}.txt").exists():
            stem = ann.stem.rsplit("_", 1)[0]  # annotator suffix
        if stem in seen or not (txt_dir / f"{stem}.txt").exists():
            continue
        seen.add(stem)
        yield stem, (txt_dir / f"{stem}.txt").read_text(encoding="utf-8"), ann


def load_brat_gold(folder: Path) -> Gold:
    """PolNeAR layout (text/ and attributions/) or .txt and .ann side by side; first annotator per text."""
    quotes, texts = [], {}
    for stem, text, ann in brat_documents(folder):
        texts[stem] = text
        spans, events = parse_ann(ann.read_text(encoding="utf-8"))
        for e in events:
            if "Cue" not in e or "Content" not in e or e["Content"] not in spans:
                continue
            pieces = spans[e["Content"]][1]
            start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
            if not near_quote(text, start, end):
                continue  # only attributions whose content is quoted
            source = " ".join(text[a:b] for a, b in sorted(spans[e["Source"]][1])) if e.get("Source") in spans else ""
            content = " ".join(text[a:b] for a, b in sorted(pieces))
            quotes.append(GoldQuote(stem, start, end, content, "direct", source))
    if not texts:
        raise InputError(f"{folder}: no .ann files with matching .txt texts; pass a brat folder (e.g. polnear/dev)")
    return Gold(quotes, texts, "attribution")


def load_canonical_gold(folder: Path, texts_dir: str | Path | None = None) -> Gold:
    """Canonical-speaker gold (`canonical_gold`): one quote per item, at its content's offsets."""
    quotes, texts = [], {}
    for doc_id, text, items in read_canonical(folder, Path(texts_dir) if texts_dir else None):
        texts[doc_id] = text
        for it in items:
            start, end = int(it["content_start"]), int(it["content_end"])
            src = it.get("source")
            quotes.append(GoldQuote(
                doc_id, start, end, text[start:end], "direct", it.get("canonical") or "",
                list(it.get("alternates") or []), mention=src if isinstance(src, str) else "",
                mention_start=_offset(it.get("source_start")), mention_end=_offset(it.get("source_end")),
                speaker_kind=it["kind"]))
    return Gold(quotes, texts, "canonical", frozenset(texts))


def load_gold(path: str | Path, texts_dir: str | Path | None = None) -> Gold:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such gold file or folder")
    if is_canonical_folder(p):
        return load_canonical_gold(p, texts_dir)
    if p.is_dir():
        return load_brat_gold(p)
    texts = {}
    if texts_dir is not None:
        texts = {t.stem: t.read_text(encoding="utf-8") for t in Path(texts_dir).glob("*.txt")}
    return load_jsonl_gold(p, texts)


# -- matching --------------------------------------------------------------


def _segments(pred: list[Quote], texts: dict[str, str]) -> list[Quote]:
    """A prediction spanning paragraphs becomes one segment per paragraph."""
    out = []
    layouts: dict[str, ParagraphIndex] = {}
    for q in pred:
        text = texts.get(q.doc_id)
        if text is None:
            out.append(q)
            continue
        if q.doc_id not in layouts:
            layouts[q.doc_id] = ParagraphIndex(text)
        index = layouts[q.doc_id]
        for ps, pe in index.spans[index.index(q.start):index.index(max(q.start, q.end - 1)) + 1]:
            start, end = max(ps, q.start), min(pe, q.end)
            if text[start:end].strip():
                out.append(Quote(**{**q.__dict__, "start": start, "end": end, "text": text[start:end]}))
    return out


def _overlap(a, b) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def canonical_speaker_right(name: str, gold: GoldQuote) -> bool:
    """A speaker judged by the kind the gold gives (`canonical_gold.speaker_right`)."""
    return speaker_right(name, [gold.speaker, *gold.speaker_alternates], gold.speaker_kind)


def speaker_matches(pred: Quote, gold: GoldQuote, scheme: str) -> bool:
    if gold.speaker_kind:
        return canonical_speaker_right(pred.speaker, gold)
    if scheme == "attribution" or gold.speaker_is_mention:
        source = _content_words(gold.speaker)
        said = _content_words(pred.speaker) | _content_words(pred.speaker_mention)
        if not source:  # a bare pronoun: compare the words themselves
            source, said = set(_words(gold.speaker)), set(_words(pred.speaker_mention or pred.speaker))
        return bool(source & said)
    names = [gold.speaker, *gold.speaker_alternates]
    return any(_norm(pred.speaker) == _norm(n) for n in names if n)


@dataclass
class Match:
    gold: GoldQuote
    pred: Quote


@dataclass
class Evaluation:
    gold: Gold
    matches: list[Match]
    false_positives: list[Quote]
    missed: list[GoldQuote]

    def _direct(self) -> tuple[list[GoldQuote], list[Match]]:
        direct = [g for g in self.gold.quotes if g.type == "direct"]
        return direct, [m for m in self.matches if m.gold.type == "direct"]

    def figures(self) -> dict[str, float | int]:
        direct, md = self._direct()
        n_pred = len(md) + len(self.false_positives)
        right = [m for m in md if speaker_matches(m.pred, m.gold, self.gold.scheme)]
        partial = [g for g in self.gold.quotes if g.type == "partial"]
        mp = [m for m in self.matches if m.gold.type == "partial"]

        def prf(tp: int) -> tuple[float, float, float]:
            p = tp / n_pred if n_pred else 0.0
            r = tp / len(direct) if direct else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        p, r, f = prf(len(md))
        ep, er, ef = prf(len(right))
        return {
            "gold": len(direct), "predicted": n_pred, "found": len(md),
            "precision": p, "recall": r, "f1": f,
            "speaker_accuracy": len(right) / len(md) if md else 0.0,
            "e2e_precision": ep, "e2e_recall": er, "e2e_f1": ef,
            "partial_gold": len(partial), "partial_found": len(mp),
            "partial_speaker_right": sum(speaker_matches(m.pred, m.gold, self.gold.scheme) for m in mp),
        }

    def stance_items(self) -> list[tuple[str, list[str], str, float | None]]:
        """(gold label, its alternates, predicted label, the prediction's stance_score) per matched quote."""
        _, md = self._direct()
        return [(m.gold.stance, m.gold.stance_alternates, m.pred.stance, m.pred.stance_score)
                for m in md if m.gold.stance]


def _match_segments(gold: Gold, pred: list[Quote]) -> Evaluation:
    segs = _segments(pred, gold.texts)
    by_doc: dict[str, list[int]] = {}
    for j, g in enumerate(gold.quotes):
        by_doc.setdefault(g.doc_id, []).append(j)
    pairs = []
    for i, s in enumerate(segs):
        for j in by_doc.get(s.doc_id, []):
            g = gold.quotes[j]
            o = _overlap(s, g)
            if o and o >= 0.5 * (g.end - g.start) and o >= 0.5 * (s.end - s.start):
                pairs.append((o, i, j))
    pairs.sort(reverse=True)
    used_s, used_g, matches = set(), set(), []
    for _, i, j in pairs:
        if i not in used_s and j not in used_g:
            used_s.add(i)
            used_g.add(j)
            matches.append(Match(gold.quotes[j], segs[i]))
    # the other pieces of a split prediction that overlap gold are not counted twice
    fps = [s for i, s in enumerate(segs) if i not in used_s
           and not any(_overlap(s, gold.quotes[j]) for j in by_doc.get(s.doc_id, []))]
    missed = [g for j, g in enumerate(gold.quotes) if j not in used_g]
    return Evaluation(gold, matches, fps, missed)


def _match_words(gold: Gold, pred: list[Quote]) -> Evaluation:
    matches, fps, missed = [], [], []
    for doc_id, text in gold.texts.items():
        golds = [g for g in gold.quotes if g.doc_id == doc_id]
        preds = [q for q in pred if q.doc_id == doc_id and near_quote(text, q.start, q.end)]
        pairs = []
        for i, g in enumerate(golds):
            gw = set(_words(g.text))
            for j, q in enumerate(preds):
                pw = set(_words(text[q.start:q.end]))
                if gw and pw:
                    inter = len(gw & pw)
                    score = max(inter / len(gw), inter / len(pw))
                    if score >= 0.5:
                        pairs.append((score, i, j))
        pairs.sort(reverse=True)
        used_g, used_p = set(), set()
        for _, i, j in pairs:
            if i not in used_g and j not in used_p:
                used_g.add(i)
                used_p.add(j)
                matches.append(Match(golds[i], preds[j]))
        fps += [q for j, q in enumerate(preds) if j not in used_p]
        missed += [g for i, g in enumerate(golds) if i not in used_g]
    return Evaluation(gold, matches, fps, missed)


def _match_canonical(gold: Gold, pred: list[Quote]) -> Evaluation:
    """Quotation to quotation, as the canonical scorer matches them: an overlap of half of either span, the
    largest overlaps first, one to one."""
    by_doc: dict[str, list[int]] = {}
    for j, g in enumerate(gold.quotes):
        by_doc.setdefault(g.doc_id, []).append(j)
    pairs = []
    for i, q in enumerate(pred):
        for j in by_doc.get(q.doc_id, []):
            g = gold.quotes[j]
            o = _overlap(q, g)
            if o and max(o / max(1, g.end - g.start), o / max(1, q.end - q.start)) >= 0.5:
                pairs.append((o / max(g.end - g.start, q.end - q.start), i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p, used_g, matches = set(), set(), []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matches.append(Match(gold.quotes[j], pred[i]))
    fps = [q for i, q in enumerate(pred) if i not in used_p]
    missed = [g for j, g in enumerate(gold.quotes) if j not in used_g]
    return Evaluation(gold, matches, fps, missed)


def evaluate(gold: Gold, pred: Iterable[Quote]) -> Evaluation:
    if gold.scheme == "canonical":
        return _match_canonical(gold, [q for q in pred if q.doc_id in gold.texts])
    pred = [q for q in pred if q.doc_id in gold.texts or not gold.texts or gold.scheme == "segment"]
    if gold.scheme == "segment":
        docs = {g.doc_id for g in gold.quotes} | gold.documents
        pred = [q for q in pred if q.doc_id in docs]
        return _match_segments(gold, pred)
    return _match_words(gold, pred)
