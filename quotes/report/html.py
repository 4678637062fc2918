"""The report page: one self-contained HTML file (styles, chart specs, static SVGs and the JavaScript bundle
inline; nothing is fetched). Every text from the table is escaped here or in `article_html`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

from .article_html import article_html, quote_anchor
from .articles import Placement
from .data import NO_SPEAKER, Speaker
from .style import CSS, RENDER_JS, stance_css

SHOWN_SPEAKERS = 25  # rows of the speaker table shown before "more speakers"
SHOWN_DOCUMENTS = 4  # a speaker's articles linked before "more articles"


@dataclass
class Chart:
    key: str  # the container is #chart-KEY
    spec: dict  # Vega-Lite
    svg: str  # the same chart drawn offline, for readers without JavaScript


@dataclass
class Page:
    source: str  # the quote table's file name
    quotes: int
    speakers: list[Speaker]
    kinds: list[tuple[str, int]]
    stances: list[tuple[str, int]]
    colours: dict[str, str]  # stance label -> colour, in the labels' order
    placement: Placement
    charts: dict[str, Chart]
    top: int
    time_note: str  # which column the time chart uses, or why there is none (HTML)
    outlet_note: str
    check: list[dict]  # rows of unnamed sources and quotes with no speaker
    facts: dict[str, str] = field(default_factory=dict)  # doc_id -> date and outlet (HTML)
    warnings: list[str] = field(default_factory=list)
    version: str = ""
    bundle: str = ""  # the JavaScript that draws the charts
    genders: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)  # person quotes by gender
    gender_note: str = ""  # what the gender chart is split by, or why it is not (HTML)


def render(page: Page) -> str:
    classes = {label: f"st-{i}" for i, label in enumerate(page.colours)}
    anchors = {a.doc_id: a.anchor for a in page.placement.articles}
    body = [_header(page), _warnings(page.warnings), _speakers(page, classes, anchors), _kinds(page, anchors),
            _genders(page), _stance(page, classes), _articles(page, classes)]
    specs = "".join(f'<script type="application/json" id="spec-{c.key}">{_json(c.spec)}</script>'
                    for c in page.charts.values())
    scripts = (f'<script type="module">{page.bundle}</script><script type="module">{RENDER_JS}</script>'
               if page.charts else "")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Quotes in {escape(page.source)}</title><style>{CSS}{stance_css(page.colours)}</style></head>"
            f"<body><main id=\"top\">{''.join(body)}<footer class=\"note\"><p>Made by quotes {escape(page.version)}"
            "; opens offline, nothing is fetched.</p></footer></main>" + specs + scripts + "</body></html>\n")


def _json(spec: dict) -> str:
    """JSON safe inside a <script> element: no "<", ">" or "&" a browser could read as markup."""
    return (json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _chart(page: Page, key: str) -> str:
    chart = page.charts.get(key)
    if chart is None:
        return ""
    return (f'<figure class="chart"><div class="vega" id="chart-{key}" data-spec="spec-{key}"></div>'
            f'<div class="fallback">{chart.svg}</div></figure>')


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _header(page: Page) -> str:
    named = sum(1 for s in page.speakers if s.name != NO_SPEAKER)
    articles = len(page.placement.articles)
    return (f'<header><h1>Quotes in {escape(page.source)}</h1>'
            f'<p class="meta">{_plural(page.quotes, "quote")} from {_plural(articles, "article")}, '
            f'{_plural(named, "speaker")}. Hover over a highlighted quote for its speaker, stance, cue and '
            'confidence.</p><nav><a href="#speakers">Speakers</a><a href="#kinds">Kinds of speaker</a><a href="#genders">Gender</a>'
            '<a href="#stance">Stance</a><a href="#articles">Articles</a></nav></header>')


def _warnings(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return f'<section class="warnings"><strong>Warnings</strong><ul>{items}</ul></section>'


def _chips(stances: dict[str, int], classes: dict[str, str]) -> str:
    return "".join(f'<span class="chip {classes[label]}">{escape(label)} {n}</span>' for label, n in stances.items())


def _speaker_row(s: Speaker, classes: dict[str, str], anchors: dict[str, str]) -> str:
    doc_id, quote_id = s.first
    name = f'<a href="#{quote_anchor(anchors[doc_id], quote_id)}">{escape(s.name)}</a>'
    links = [f'<a href="#{anchors[d]}">{escape(d)}</a>' + (f" ({n})" if n > 1 else "") for d, n in s.documents]
    docs = ", ".join(links[:SHOWN_DOCUMENTS])
    if len(links) > SHOWN_DOCUMENTS:
        docs += (f"<details><summary>{_plural(len(links) - SHOWN_DOCUMENTS, 'more article')}</summary>"
                 f"{', '.join(links[SHOWN_DOCUMENTS:])}</details>")
    return (f"<tr><td>{name}</td><td>{escape(s.kind)}</td><td class=\"n\">{s.quotes}</td>"
            f"<td>{_chips(s.stances, classes)}</td><td class=\"docs\">{docs}</td></tr>")


def _speakers(page: Page, classes: dict[str, str], anchors: dict[str, str]) -> str:
    head = ('<tr><th>speaker</th><th>kind</th><th class="n">quotes</th><th>stance</th>'
            '<th>articles (quotes there)</th></tr>')
    rows = [_speaker_row(s, classes, anchors) for s in page.speakers]
    table = f"<table class=\"speakers\">{head}{''.join(rows[:SHOWN_SPEAKERS])}</table>"
    if len(rows) > SHOWN_SPEAKERS:
        table += (f"<details><summary>{_plural(len(rows) - SHOWN_SPEAKERS, 'more speaker')}</summary>"
                  f"<table class=\"speakers\">{head}{''.join(rows[SHOWN_SPEAKERS:])}</table></details>")
    named = sum(1 for s in page.speakers if s.name != NO_SPEAKER)
    shown = min(page.top, named)
    rest = f"; the other {_plural(named - shown, 'speaker')} as one bar" if named > shown else ""
    nobody = ", then the quotes with no speaker" if len(page.speakers) > named else ""
    intro = (f'<p class="note">Quotes per speaker, coloured by stance: the {_plural(shown, "most quoted speaker")}'
             f"{rest}{nobody}. A speaker's name links to their first quote, an article to the article.</p>"
             if page.quotes else '<p class="note">The table holds no quotes.</p>')
    return f'<section id="speakers"><h2>Who is quoted</h2>{intro}{_chart(page, "speakers")}{table}</section>'


def _kinds(page: Page, anchors: dict[str, str]) -> str:
    total = page.quotes or 1
    rows = "".join(f'<tr><td>{escape(k)}</td><td class="n">{n}</td><td class="n">{n / total:.0%}</td></tr>'
                   for k, n in page.kinds)
    table = f'<table><tr><th>kind</th><th class="n">quotes</th><th class="n">share</th></tr>{rows}</table>'
    counts = dict(page.kinds)
    check = (f'<p class="check">Check these first: unnamed sources ({counts.get("unnamed", 0)}) and quotes with '
             f'no speaker ({counts.get("none", 0)}) are where attribution is least sure, and what a reader '
             "cannot verify.</p>")
    if page.check:
        links = "".join(f'<li><a href="#{quote_anchor(anchors[r["doc_id"]], r["quote_id"])}">'
                        f'{escape(r["speaker"] or NO_SPEAKER)}</a>: “{escape(_short(r["text"]))}”</li>'
                        for r in page.check)
        check += (f"<details><summary>the {_plural(len(page.check), 'quote')} to check</summary>"
                  f"<ul>{links}</ul></details>")
    return (f'<section id="kinds"><h2>Kinds of speaker</h2><div class="row">{_chart(page, "kinds")}{table}</div>'
            f"{check}</section>")


def _genders(page: Page) -> str:
    """Quotes of persons by the speaker's gender, with what says it: the article, the registry, the first name."""
    total = sum(n for _, n, _ in page.genders) or 1
    rows = "".join(f'<tr><td>{escape(g)}</td><td class="n">{n}</td><td class="n">{n / total:.0%}</td>'
                   f"<td>{escape(', '.join(f'{e} {k}' for e, k in evidence.items()))}</td></tr>"
                   for g, n, evidence in page.genders)
    table = (f'<table><tr><th>gender</th><th class="n">quotes</th><th class="n">share</th><th>said by</th></tr>'
             f"{rows}</table>")
    return (f'<section id="genders"><h2>Gender of the persons quoted</h2><div class="row">{_chart(page, "genders")}'
            f'{table}</div><p class="note">Quotes whose speaker is a person. "Said by": the article (a pronoun, '
            "a title, a gendered noun), the registry of widely known people, or only the first name (a statistic "
            f"of the name's bearers); unknown where nothing says it.</p><p class=\"note\">{page.gender_note}</p>"
            f"{_chart(page, 'gender_split')}</section>")


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _stance(page: Page, classes: dict[str, str]) -> str:
    total = page.quotes or 1
    rows = "".join(f'<tr><td><span class="chip {classes[label]}">{escape(label)}</span></td><td class="n">{n}</td>'
                   f'<td class="n">{n / total:.0%}</td></tr>' for label, n in page.stances)
    table = f'<table><tr><th>stance</th><th class="n">quotes</th><th class="n">share</th></tr>{rows}</table>'
    return (f'<section id="stance"><h2>Stance</h2>{table}<p class="note">Stance per speaker is in the chart of '
            f"speakers above.</p><h3>Over time</h3><p class=\"note\">{page.time_note}</p>{_chart(page, 'time')}"
            f"<h3>Per outlet</h3><p class=\"note\">{page.outlet_note}</p>{_chart(page, 'outlets')}</section>")


def _articles(page: Page, classes: dict[str, str]) -> str:
    placement = page.placement
    rows = "".join(f'<tr><td><a href="#{a.anchor}">{escape(a.doc_id)}</a></td><td class="n">{len(a.quotes)}</td>'
                   f"<td>{page.facts.get(a.doc_id, '')}</td></tr>" for a in placement.articles)
    index = f'<table><tr><th>article</th><th class="n">quotes</th><th></th></tr>{rows}</table>'
    legend = "".join(f'<span class="chip {cls}">{escape(label)}</span>' for label, cls in classes.items())
    texts = "".join(article_html(a, classes, page.facts.get(a.doc_id, "") and " · " + page.facts[a.doc_id])
                    for a in placement.articles)
    return (f'<section id="articles"><h2>Articles</h2>{index}<p class="note">Quotes are highlighted by stance: '
            f"{legend}</p>{texts}</section>")
