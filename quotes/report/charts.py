"""The report's charts as Vega-Lite specs, built with Altair from the summaries of `data` and `columns`.

Stance has one colour everywhere (charts and highlighted quotes), so a reader learns it once. Every spec
carries its data inline: the page must open offline.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

# the default labels: reds for attacks, amber for worry, blue and green for calm and approval, grey for none
STANCE_COLOURS = {"hostile": "#b2182b", "critical": "#ef8a62", "concerned": "#e6ab02", "reassuring": "#67a9cf",
                  "supportive": "#1b9e77", "neutral": "#bdbdbd"}
# labels of other rules, in turn
SPARE_COLOURS = ("#7570b3", "#e7298a", "#66a61e", "#a6761d", "#1f78b4", "#fb9a99", "#cab2d6", "#b15928")
BAR = 18  # pixels per bar of a horizontal bar chart
WIDTH = 560


def _readable(chart: alt.Chart) -> dict:
    """The spec, with text a size one reads without leaning in (Vega-Lite's default is 10 px)."""
    return (chart.configure_axis(labelFontSize=12, titleFontSize=12)
            .configure_legend(labelFontSize=12, symbolSize=120).configure_view(stroke=None).to_dict())


def stance_colours(labels: list[str]) -> dict[str, str]:
    spare = iter(SPARE_COLOURS * (len(labels) // len(SPARE_COLOURS) + 1))
    return {label: STANCE_COLOURS.get(label) or next(spare) for label in labels}


def _colour(labels: list[str]) -> alt.Color:
    colours = stance_colours(labels)
    return alt.Color("stance:N", title="stance", sort=labels,
                     scale=alt.Scale(domain=labels, range=[colours[label] for label in labels]),
                     legend=alt.Legend(orient="top", direction="horizontal", title=None))


def speakers_chart(counts: pd.DataFrame, labels: list[str]) -> dict:
    """The main chart: a stacked bar of quotes by stance for each speaker, most quoted at the top."""
    chart = alt.Chart(counts).mark_bar().encode(
        y=alt.Y("speaker:N", title=None, sort=alt.EncodingSortField("rank", op="min"), axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(quotes):Q", title="quotes", axis=alt.Axis(tickMinStep=1)),
        color=_colour(labels), order=alt.Order("stance_rank:Q"),
        tooltip=[alt.Tooltip("speaker:N"), alt.Tooltip("stance:N"), alt.Tooltip("quotes:Q")])
    return _readable(chart.properties(width=WIDTH, height=alt.Step(BAR)))


def kinds_chart(kinds: list[tuple[str, int]]) -> dict:
    frame = pd.DataFrame(kinds, columns=["kind", "quotes"])
    chart = alt.Chart(frame).mark_bar(color="#4e79a7").encode(
        y=alt.Y("kind:N", title=None, sort=list(frame["kind"])),
        x=alt.X("quotes:Q", title="quotes", axis=alt.Axis(tickMinStep=1)),
        tooltip=["kind:N", "quotes:Q"])
    return _readable(chart.properties(width=260, height=alt.Step(BAR)))


# periods are dates in UTC: a reader's time zone must not move a quote to the day before
_TIME_UNITS = {"day": "utcyearmonthdate", "week": "utcyearweek", "month": "utcyearmonth", "year": "utcyear"}


def time_chart(counts: pd.DataFrame, labels: list[str], unit: str) -> dict:
    """Quotes per period, stacked by stance, on a time axis (a period without quotes is a gap, not skipped)."""
    time_unit = _TIME_UNITS[unit]
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("period:T", timeUnit=time_unit, title=unit),
        y=alt.Y("sum(quotes):Q", title="quotes", axis=alt.Axis(tickMinStep=1)),
        color=_colour(labels), order=alt.Order("stance_rank:Q"),
        tooltip=[alt.Tooltip("period:T", timeUnit=time_unit, title=unit), "stance:N", "quotes:Q"])
    return _readable(chart.properties(width=WIDTH, height=220))


def outlet_chart(counts: pd.DataFrame, labels: list[str]) -> dict:
    """Each outlet's mix of stances as shares (outlets differ in size; the mix is what compares), its quote
    count in the tooltip."""
    chart = alt.Chart(counts).mark_bar().encode(
        y=alt.Y("outlet:N", title=None, sort=alt.EncodingSortField("rank", op="min"), axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(quotes):Q", stack="normalize", title="share of the outlet's quotes", axis=alt.Axis(format="%")),
        color=_colour(labels), order=alt.Order("stance_rank:Q"),
        tooltip=["outlet:N", "stance:N", "quotes:Q", alt.Tooltip("total:Q", title="all quotes")])
    return _readable(chart.properties(width=WIDTH, height=alt.Step(BAR)))


# women, men, and the quotes whose speaker's gender nothing says (shown, not hidden: a share needs them)
GENDER_COLOURS = {"female": "#7b3294", "male": "#008837", "unknown": "#d9d9d9"}


def _gender_colour() -> alt.Color:
    labels = list(GENDER_COLOURS)
    return alt.Color("gender:N", title="gender", sort=labels,
                     scale=alt.Scale(domain=labels, range=[GENDER_COLOURS[g] for g in labels]),
                     legend=alt.Legend(orient="top", direction="horizontal", title=None))


def gender_chart(rows: list[tuple[str, int, dict[str, int]]]) -> dict:
    """Quotes of persons by gender: one bar each."""
    frame = pd.DataFrame([(g, n) for g, n, _ in rows], columns=["gender", "quotes"])
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("gender:N", title=None, sort=list(GENDER_COLOURS)),
        x=alt.X("quotes:Q", title="quotes of persons", axis=alt.Axis(tickMinStep=1)),
        color=_gender_colour(), tooltip=["gender:N", "quotes:Q"])
    return _readable(chart.properties(width=260, height=alt.Step(BAR)))


def gender_outlet_chart(counts: pd.DataFrame) -> dict:
    """Each outlet's persons quoted by gender, as shares (the outlets differ in size)."""
    chart = alt.Chart(counts).mark_bar().encode(
        y=alt.Y("outlet:N", title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("sum(quotes):Q", stack="normalize", title="share of the outlet's quotes of persons",
                axis=alt.Axis(format="%")),
        color=_gender_colour(), order=alt.Order("gender_rank:Q"),
        tooltip=["outlet:N", "gender:N", "quotes:Q", alt.Tooltip("total:Q", title="quotes of persons")])
    return _readable(chart.properties(width=WIDTH, height=alt.Step(BAR)))


def gender_time_chart(counts: pd.DataFrame, unit: str) -> dict:
    """Quotes of persons per period, stacked by gender."""
    time_unit = _TIME_UNITS[unit]
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("period:T", timeUnit=time_unit, title=unit),
        y=alt.Y("sum(quotes):Q", title="quotes of persons", axis=alt.Axis(tickMinStep=1)),
        color=_gender_colour(), order=alt.Order("gender_rank:Q"),
        tooltip=[alt.Tooltip("period:T", timeUnit=time_unit, title=unit), "gender:N", "quotes:Q"])
    return _readable(chart.properties(width=WIDTH, height=220))
