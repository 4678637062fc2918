"""Each article with its quotes placed in its text (pure): which quotes can be highlighted where, and which
cannot (offsets that do not match the text: a table older than the texts, or other texts)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd


@dataclass
class Article:
    anchor: str  # the page's id for the article: "a1", "a2", ... (doc ids may hold any character)
    doc_id: str
    text: str | None  # None when no text was given for it
    quotes: list[dict] = field(default_factory=list)  # its rows in text order
    placed: list[dict] = field(default_factory=list)  # rows whose offsets match the text, none overlapping
    unplaced: list[tuple[dict, str]] = field(default_factory=list)  # (row, why it is not highlighted)

    def pieces(self) -> list[tuple[str, dict | None]]:
        """The text cut into (stretch, the quote it is or None), in order."""
        assert self.text is not None
        out, pos = [], 0
        for row in self.placed:
            if row["start"] > pos:
                out.append((self.text[pos:row["start"]], None))
            out.append((self.text[row["start"]:row["end"]], row))
            pos = row["end"]
        if pos < len(self.text):
            out.append((self.text[pos:], None))
        return out


@dataclass
class Placement:
    articles: list[Article]
    stale: int  # quotes whose offsets do not give their text in the article given
    without_text: int  # documents of the table no text was given for (when texts were given)
    quotes_without_text: int


def place_quotes(frame: pd.DataFrame, texts: Mapping[str, str] | None) -> Placement:
    """The articles of the table, and of `texts` (which may hold documents without quotes): with texts, in
    their order, then the table's documents that have none; without, in the table's order."""
    rows: dict[str, list[dict]] = {}
    for row in frame.to_dict("records"):
        rows.setdefault(row["doc_id"], []).append(row)
    order = list(texts or ()) + [d for d in rows if texts is None or d not in texts]
    articles, stale, without, orphans = [], 0, 0, 0
    for n, doc_id in enumerate(order, 1):
        quotes = sorted(rows.get(doc_id, []), key=lambda r: (r["start"], -r["end"]))
        text = texts.get(doc_id) if texts is not None else None
        article = Article(f"a{n}", doc_id, text, quotes)
        if texts is not None and text is None:
            without += 1
            orphans += len(quotes)
        if text is not None:
            stale += _place(article)
        articles.append(article)
    return Placement(articles, stale, without, orphans)


def _place(article: Article) -> int:
    """Highlight each quote whose offsets give its text; the rest are listed with why. Returns how many did not
    match. Overlapping quotes (rare: a table edited by hand) keep the first, so marks never cross."""
    text, end, mismatched = article.text or "", 0, 0
    for row in article.quotes:
        if text[row["start"]:row["end"]] != row["text"] or row["end"] <= row["start"]:
            mismatched += 1
            article.unplaced.append((row, f"its offsets {row['start']}-{row['end']} do not hold its text here"))
        elif row["start"] < end:
            article.unplaced.append((row, f"it overlaps {article.placed[-1]['quote_id']}"))
        else:
            article.placed.append(row)
            end = row["end"]
    return mismatched
