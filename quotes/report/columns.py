"""Corpus columns of a quote table (any column `records.COLUMNS` does not name): which one holds a date, which
an outlet, and the stance of the quotes over time or per outlet (pure)."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from ..records import COLUMNS
from .data import others_label, stance_labels

# names a corpus gives the day an article came out, and the paper or site that published it, most telling first
DATE_NAMES = ("date", "published", "published_at", "publication_date", "publish_date", "pub_date", "pubdate",
              "date_published", "datetime", "timestamp", "time", "created_at", "created", "day")
OUTLET_NAMES = ("outlet", "source", "publication", "publisher", "site", "website", "newspaper", "paper",
                "media", "media_outlet", "news_source", "channel", "domain", "feed")
URL_NAMES = ("url", "link", "article_url", "source_url")
# a column is read as dates when most of its filled cells are dates (a stray "n/a" does not disqualify it)
DATE_SHARE = 0.8


@dataclass(frozen=True)
class Column:
    """A corpus column the report uses: its name, how it was read, and each row's value ("" / NaT if none)."""

    name: str
    how: str  # what the page says of it
    values: pd.Series


def corpus_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in COLUMNS]


def _by_name(frame: pd.DataFrame, names: tuple[str, ...]) -> list[str]:
    lower = {c.strip().lower(): c for c in reversed(corpus_columns(frame))}
    return [lower[n] for n in names if n in lower]


# a time zone after a time ("Z", "+02:00", "-0500"); only after a time, so "05-12-2024" keeps its year
_ZONE = r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$"


def date_column(frame: pd.DataFrame) -> Column | None:
    """The first date-like corpus column whose cells are mostly dates, parsed (NaT where a cell is not)."""
    for name in _by_name(frame, DATE_NAMES):
        cells = frame[name].astype(str).str.strip()
        filled = cells[cells != ""]
        if filled.empty:
            continue
        # the date as the outlet wrote it: a time zone taken off, not converted (a story of 23:30 at -05:00
        # belongs to its own day, not to the next one in UTC)
        local = cells.str.replace(_ZONE, r"\1", regex=True)
        parsed = _parse(local.where(local != ""))
        day_first, note = _numeric_order(local)
        numeric = local.str.match(_NUMERIC)
        if numeric.any():
            parsed[numeric] = _numeric_dates(local[numeric], day_first)
        if parsed.notna().sum() >= DATE_SHARE * len(filled):
            return Column(name, f"dates from column `{name}`{note}", parsed.dt.tz_localize(None))
    return None


# a date written in numbers with the year last: 05/01/2024, 5.1.24, 05-01-2024 (day or month first?)
_NUMERIC = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b"


def _parse(cells: pd.Series) -> pd.Series:
    with warnings.catch_warnings():  # pandas warns when it has to guess a format; guessing is the point
        warnings.simplefilter("ignore")
        return pd.to_datetime(cells, errors="coerce", utc=True, format="mixed")


def _numeric_dates(cells: pd.Series, day_first: bool) -> pd.Series:
    """Numeric dates read in the column's one order (pandas would guess per cell, and differently for
    05/01/2024 and 05.01.2024); a two-digit year is this century's."""
    parts = cells.str.extract(_NUMERIC).astype(int)
    year = parts[2].where(parts[2] >= 100, parts[2] + 2000)

    def read(day: pd.Series, month: pd.Series) -> pd.Series:
        return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce", utc=True)

    first, other = (parts[0], parts[1]) if day_first else (parts[1], parts[0])
    # a cell that cannot be read in the column's order (13/01 in a month-first column) is read the only way it can
    return read(first, other).fillna(read(other, first))


def _numeric_order(cells: pd.Series) -> tuple[bool, str]:
    """Whether the column's numeric dates put the day first, and what the page says of it.

    One cell settles it for the whole column: 13/01/2024 can only be day first, 01/13/2024 only month
    first. Left to itself, pandas reads each cell on its own, so 05/01/2024 became May while 13/01/2024
    became January in the same column."""
    parts = cells.str.extract(_NUMERIC).dropna().astype(int)
    if parts.empty:
        return False, ""
    day_first, month_first = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
    if day_first and not month_first:
        return True, " (numeric dates read day first, as a day over 12 in the first place shows)"
    if month_first:
        return False, ("" if not day_first else
                       " (numeric dates are written both day first and month first here; read month first where "
                       "both can be)")
    if ((parts[0] != parts[1]) & (parts[0] <= 12)).any():
        return False, " (numeric dates read month first: no date in the column says which comes first)"
    return False, ""


def outlet_column(frame: pd.DataFrame) -> Column | None:
    """The first outlet-like corpus column with values; else the host of a URL column ("www." taken off)."""
    for name in _by_name(frame, OUTLET_NAMES):
        cells = frame[name].astype(str).str.strip()
        if (cells != "").any():
            return Column(name, f"outlets from column `{name}`", cells)
    for name in _by_name(frame, URL_NAMES):
        hosts = frame[name].astype(str).str.strip().map(_host)
        if (hosts != "").any():
            return Column(name, f"outlets from the host names in column `{name}`", hosts)
    return None


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def period_unit(dates: pd.Series) -> str:
    """Days for a span of six weeks or less, then weeks, months for up to three years, else years: bars wide
    enough to see, a few dozen at most."""
    span = (dates.max() - dates.min()).days if dates.notna().any() else 0
    return "day" if span <= 45 else "week" if span <= 200 else "month" if span <= 3 * 366 else "year"


# weeks start on Sunday, as Vega-Lite's `week` time unit does
_PERIOD_FREQ = {"day": "D", "week": "W-SAT", "month": "M", "year": "Y"}


def stance_over_time(frame: pd.DataFrame, dates: pd.Series) -> tuple[pd.DataFrame, str, int]:
    """Quotes per period and stance (columns period: the first day of the period as YYYY-MM-DD, stance, quotes,
    stance_rank; in time order), the unit, and how many quotes had no date and were left out."""
    known = dates.notna()
    unit = period_unit(dates[known])
    periods = dates[known].dt.to_period(_PERIOD_FREQ[unit]).dt.start_time.dt.strftime("%Y-%m-%d")
    counts = (pd.DataFrame({"period": periods, "stance": frame.loc[known, "stance"]})
              .groupby(["period", "stance"]).size().rename("quotes").reset_index())
    order = {label: i for i, label in enumerate(stance_labels(frame))}
    counts["stance_rank"] = counts["stance"].map(order)
    return counts.sort_values(["period", "stance_rank"]).reset_index(drop=True), unit, int((~known).sum())


def periods(dates: pd.Series) -> tuple[pd.Series, str]:
    """Each dated row's period (its first day, YYYY-MM-DD; missing where the row has no date) and the unit."""
    known = dates.notna()
    unit = period_unit(dates[known])
    out = pd.Series(pd.NA, index=dates.index, dtype="object")
    out[known] = dates[known].dt.to_period(_PERIOD_FREQ[unit]).dt.start_time.dt.strftime("%Y-%m-%d")
    return out, unit


def stance_per_outlet(frame: pd.DataFrame, outlets: pd.Series, top: int) -> tuple[pd.DataFrame, int]:
    """Quotes per outlet and stance for the `top` outlets with most quotes, the rest as one "others" bar
    (columns outlet, stance, quotes, total, rank, stance_rank), and how many quotes had no outlet."""
    known = outlets != ""
    totals = outlets[known].value_counts()
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    kept = {name: rank for rank, (name, _) in enumerate(ranked[:top])}
    rest = len(ranked) - len(kept)
    bar = outlets[known].map(lambda o: o if o in kept else others_label(rest, "outlet"))
    counts = (pd.DataFrame({"outlet": bar, "stance": frame.loc[known, "stance"]})
              .groupby(["outlet", "stance"], sort=False).size().rename("quotes").reset_index())
    counts["total"] = counts.groupby("outlet")["quotes"].transform("sum")
    counts["rank"] = counts["outlet"].map(lambda o: kept.get(o, len(kept)))
    order = {label: i for i, label in enumerate(stance_labels(frame))}
    counts["stance_rank"] = counts["stance"].map(order)
    return counts.sort_values(["rank", "stance_rank"], kind="stable").reset_index(drop=True), int((~known).sum())
