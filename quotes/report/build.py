"""`build_report`: a quote table (and the texts it came from) to one self-contained HTML page, and the main
chart as a PNG if asked. Outputs are checked before any work and written whole or not at all."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..errors import InputError
from ..tables.corpus import Skipped, read_corpus
from ..tables.output import check_output, write_together
from . import charts, columns, data, vega
from .articles import Placement, place_quotes
from .html import Chart, Page, render
from .table import read_table


@dataclass
class Report:
    """What was written, and what the reader should know (each warning one line)."""

    quotes: int
    articles: int
    speakers: int
    size: int  # bytes of the HTML file
    warnings: list[str] = field(default_factory=list)


def check_outputs(output: str | Path, png: str | Path | None, inputs: Sequence[str | Path]) -> None:
    """Before any work: the page is .html, the chart .png, neither overwrites an input or the other."""
    out = Path(output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{out}: the report is an HTML page; name it .html")
    check_output(out, inputs)
    if png is not None:
        if Path(png).suffix.lower() != ".png":
            raise InputError(f"{png}: the chart is a PNG image; name it .png")
        check_output(png, [*inputs, out])


def read_texts(paths: Sequence[str | Path], id_field: str | None, text_field: str | None,
               exclude: Sequence[str | Path]) -> tuple[dict[str, str], list[str]]:
    """The documents under `paths` by id, as `quotes extract` reads them, and a warning for each one skipped."""
    texts, warnings = {}, []
    for item in read_corpus(paths, id_field, text_field, exclude=exclude):
        if isinstance(item, Skipped):
            warnings.append(f"skipped {item}")
        else:
            texts[item.doc_id] = item.text
    return texts, warnings


def build_report(table: str | Path, output: str | Path, texts: Sequence[str | Path] = (), png: str | Path | None = None,
                 top: int = 25, id_field: str | None = None, text_field: str | None = None) -> Report:
    if top < 1:
        raise InputError(f"--top {top}: give a number of speakers of at least 1")
    check_outputs(output, png, [table, *texts])
    frame = read_table(table)
    warnings: list[str] = []
    documents = None
    if texts:
        documents, warnings = read_texts(texts, id_field, text_field, exclude=[output, table])
    placement = place_quotes(frame, documents)
    warnings += _placement_warnings(table, frame, placement, documents)
    page, main = _page(Path(table).name, frame, placement, top)
    page.warnings = warnings
    html = render(page)
    files = {Path(output): html.encode("utf-8")}
    if png is not None and main is None:
        warnings.append(f"{png}: not written; the table has no quotes to chart")
    elif png is not None:
        files[Path(png)] = vega.to_png(main)
    write_together(files)  # the page and its chart both, or neither
    named = sum(1 for s in page.speakers if s.name != data.NO_SPEAKER)
    return Report(len(frame), len(placement.articles), named, len(html.encode("utf-8")), warnings)


def _placement_warnings(table: str | Path, frame: pd.DataFrame, placement: Placement,
                        documents: dict[str, str] | None) -> list[str]:
    if documents is None:
        return []
    out = []
    placed = len(frame) - placement.quotes_without_text
    if placement.stale:
        out.append(f"{placement.stale} of {placed} quotes do not match their article's text at their offsets "
                   f"({table} is older than the texts, or from other texts); they are listed under their "
                   "articles, not highlighted")
    if placement.without_text:
        out.append(f"{placement.without_text} article(s) of {table} are not among --texts; their "
                   f"{placement.quotes_without_text} quotes are listed without the text")
    return out


def _page(source: str, frame: pd.DataFrame, placement: Placement, top: int) -> tuple[Page, dict | None]:
    from .. import __version__

    labels = data.stance_labels(frame)
    kinds = data.kind_counts(frame)
    specs: dict[str, dict] = {}
    if len(frame):
        specs["speakers"] = charts.speakers_chart(data.speaker_stances(frame, top), labels)
        specs["kinds"] = charts.kinds_chart(kinds)
    date, outlet = columns.date_column(frame), columns.outlet_column(frame)
    time_note = _absent("date", columns.DATE_NAMES, "whose cells are mostly dates") if date is None else ""
    if date is not None and len(frame):
        counts, unit, undated = columns.stance_over_time(frame, date.values)
        specs["time"] = charts.time_chart(counts, labels, unit)
        time_note = f"Quotes per {unit}, {escape(date.how)}" + (f"; {undated} without a date left out." if undated
                                                                   else ".")
    outlet_note = _absent("outlet", columns.OUTLET_NAMES + columns.URL_NAMES) if outlet is None else ""
    if outlet is not None and len(frame):
        counts, unknown = columns.stance_per_outlet(frame, outlet.values, top)
        specs["outlets"] = charts.outlet_chart(counts, labels)
        outlet_note = f"Each outlet's mix of stances, {escape(outlet.how)}" + (
            f"; {unknown} quotes without one left out." if unknown else ".")
    genders = data.gender_rows(frame)
    gender_note = _gender_charts(frame, specs, genders, date, outlet)
    page = Page(source=source, quotes=len(frame), speakers=data.speaker_rows(frame), kinds=kinds,
                stances=data.stance_counts(frame), colours=charts.stance_colours(labels), placement=placement,
                charts={k: Chart(k, spec, vega.to_svg(spec)) for k, spec in specs.items()}, top=top,
                time_note=time_note, outlet_note=outlet_note, check=data.to_check(frame).to_dict("records"),
                facts=_facts(frame, date, outlet), version=__version__, genders=genders, gender_note=gender_note,
                bundle=vega.javascript_bundle() if specs else "")
    return page, specs.get("speakers")


def _gender_charts(frame: pd.DataFrame, specs: dict, genders: list, date, outlet) -> str:
    """Quotes of persons by gender, then per outlet where the table has outlets, else over time where it has
    dates; the note says which (HTML)."""
    if not sum(n for _, n, _ in genders):
        return "No quote of a person in the table."
    specs["genders"] = charts.gender_chart(genders)
    if outlet is not None:
        specs["gender_split"] = charts.gender_outlet_chart(data.gender_by(frame, outlet.values, "outlet"))
        return f"Per outlet, {escape(outlet.how)}."
    if date is not None:
        period, unit = columns.periods(date.values)
        specs["gender_split"] = charts.gender_time_chart(data.gender_by(frame, period, "period"), unit)
        return f"Per {unit}, {escape(date.how)}."
    return "The table has no outlet or date column to split the count by."


def _absent(what: str, names: tuple[str, ...], having: str = "with values") -> str:
    return (f"No chart: the table has no {what} column ({', '.join(f'<code>{n}</code>' for n in names[:5])}, ...) "
            f"{having}.")


def _facts(frame: pd.DataFrame, date, outlet) -> dict[str, str]:
    """Each document's date and outlet, as its first row gives them, for the article list."""
    out: dict[str, str] = {}
    for i, doc_id in enumerate(frame["doc_id"]):
        if doc_id in out:
            continue
        parts = []
        if date is not None and pd.notna(date.values.iloc[i]):
            parts.append(date.values.iloc[i].strftime("%Y-%m-%d"))
        if outlet is not None and outlet.values.iloc[i]:
            parts.append(escape(outlet.values.iloc[i]))
        out[doc_id] = " · ".join(parts)
    return out
