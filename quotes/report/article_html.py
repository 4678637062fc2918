"""Articles as HTML: the text with each quote highlighted in its stance's colour, or, without a text, the list
of its quotes. Who said it, the stance (with every label's probability when the learned model gave them), the
cue and the confidence are in each quote's `title` (a hover needs no script). Every text from the table is escaped."""
from __future__ import annotations

import math
import re
from html import escape

from ..records import stance_probs
from .articles import Article
from .data import NO_SPEAKER

WHY_LIMIT = 200  # characters of stance_cues in a tooltip; the table has them all


def quote_anchor(article: str, quote_id: str) -> str:
    """The page id of a quote: its article's anchor and its id in characters safe in a URL, every other
    character (the underscore too) written as `_hex_`, so that two quote ids never share an anchor."""
    return f"{article}-{re.sub(r'[^A-Za-z0-9-]', lambda m: f'_{ord(m.group()):x}_', quote_id)}"


def _number(value: float) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def quote_title(row: dict) -> str:
    """The tooltip: speaker and kind, stance and score, the labels' probabilities (most probable first), cue,
    confidence, and what decided the stance."""
    speaker = row["speaker"] or NO_SPEAKER
    kind = f" ({row['speaker_kind']})" if row.get("speaker_kind") else ""
    score = _number(row.get("stance_score"))
    lines = [f"{speaker}{kind}", f"stance: {row['stance']}" + (f" ({score})" if score else "")]
    probs = _probabilities(row.get("stance_probs"))
    if probs:
        lines.append("probabilities: " + ", ".join(f"{label} {p:.2f}" for label, p in probs))
    lines += [f"cue: {row.get('cue') or '-'}", f"confidence: {_number(row.get('confidence')) or '-'}"]
    if row.get("type") == "partial":
        lines.append("partial quote")
    why = row.get("stance_cues") or ""
    if why:
        lines.append("why: " + (why if len(why) <= WHY_LIMIT else why[:WHY_LIMIT - 1] + "…"))
    return "\n".join(lines)


def _probabilities(value) -> list[tuple[str, float]]:
    """The label probabilities (JSON text, as `table.read_table` leaves them), most probable first."""
    return sorted(stance_probs(value).items(), key=lambda kv: -kv[1])


def _mark(article: Article, row: dict, text: str, classes: dict[str, str]) -> str:
    return (f'<mark id="{quote_anchor(article.anchor, row["quote_id"])}" class="q {classes[row["stance"]]}" '
            f'title="{escape(quote_title(row))}">{escape(text)}</mark>')


def _quote_item(article: Article, row: dict, classes: dict[str, str], why: str = "") -> str:
    speaker = escape(row["speaker"] or NO_SPEAKER)
    note = f' <span class="unplaced">(not highlighted: {escape(why)})</span>' if why else ""
    return (f'<li>{_mark(article, row, row["text"], classes)} <span class="who">— {speaker}, {escape(row["stance"])}'
            f'</span>{note}</li>')


def article_html(article: Article, classes: dict[str, str], facts: str = "") -> str:
    """One article: heading, a line of facts (quote count, date, outlet), then the text or the list of quotes.

    `classes`: each stance label's CSS class; `facts`: extra HTML for the line (already escaped)."""
    n = len(article.quotes)
    head = (f'<article id="{article.anchor}"><h3>{escape(article.doc_id)}</h3>'
            f'<p class="meta">{n} quote{"s" if n != 1 else ""}{facts} · <a href="#top">top</a></p>')
    if article.text is None:
        items = "".join(_quote_item(article, row, classes) for row in article.quotes)
        body = f'<ol class="quotes">{items}</ol>' if items else ""
        if article.quotes:
            body = '<p class="note">No text was given for this article: its quotes as a list.</p>' + body
        return head + body + "</article>"
    text = "".join(_mark(article, row, piece, classes) if row else escape(piece)
                   for piece, row in article.pieces())
    body = f'<div class="text">{text}</div>'
    if article.unplaced:
        items = "".join(_quote_item(article, row, classes, why) for row, why in article.unplaced)
        body += f'<p class="unplaced">Not highlighted in the text:</p><ol class="quotes">{items}</ol>'
    return head + body + "</article>"
