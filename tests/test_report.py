"""Specification of `quotes report`: the summaries, the page (escaped, offline, charts with a static fallback),
bad input, and the page in a real headless Chromium on the seeds and on PolNeAR dev."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from quotes.cli import main
from quotes.cli.status import EXIT_SKIPPED
from quotes.records import COLUMNS
from quotes.report import build_report
from quotes.report.columns import date_column, outlet_column, stance_over_time, stance_per_outlet
from quotes.report.data import NO_SPEAKER, others_label, speaker_stances
from quotes.report.table import read_table

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
POLNEAR_DEV = REPO.parent / "shared" / "polnear" / "dev" / "text"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def quote(doc_id: str, quote_id: str, text: str, document: str | None = None, **fields) -> dict:
    """A row of the quote table; with `document`, its offsets are where `text` stands in it."""
    start = document.index(text) if document is not None else 0
    row = {c: "" for c in COLUMNS}
    row.update(doc_id=doc_id, quote_id=quote_id, start=start, end=start + len(text), text=text, type="direct",
               speaker="Jo Park", speaker_kind="person", cue="said", stance="neutral", stance_score=0.5,
               confidence=0.9, rules_version="1")
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = list(COLUMNS) + [c for c in rows[0] if c not in COLUMNS] if rows else list(COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def markup(html: str) -> str:
    """The page without the inlined JavaScript bundle (whose code holds strings such as "<img")."""
    return re.sub(r'<script type="module">.*?</script>', "", html, flags=re.S)


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


# -- the summaries ------------------------------------------------------------------

def test_speakers_past_top_are_one_others_bar_and_no_quote_is_lost() -> None:
    # speaker k has k quotes: s30 most quoted; three quotes have no speaker
    rows = [quote("d", f"q{k}-{i}", "x", speaker=f"s{k:02d}") for k in range(1, 31) for i in range(k)]
    rows += [quote("d", f"n{i}", "x", speaker="", speaker_kind="") for i in range(3)]
    counts = speaker_stances(frame(rows), top=25)
    bars = counts.drop_duplicates("speaker").sort_values("rank")["speaker"].tolist()
    assert bars[:3] == ["s30", "s29", "s28"]
    assert bars[25:] == [others_label(5), NO_SPEAKER]
    assert len(bars) == 27
    totals = counts.groupby("speaker")["quotes"].sum()
    assert totals[others_label(5)] == 1 + 2 + 3 + 4 + 5
    assert totals[NO_SPEAKER] == 3
    assert counts["quotes"].sum() == len(rows)


def test_speaker_ties_rank_by_name_so_the_chart_is_the_same_every_run() -> None:
    rows = [quote("d", f"q{i}", "x", speaker=name) for i, name in enumerate(["Bo", "Al", "Cy"])]
    bars = speaker_stances(frame(rows), top=2).drop_duplicates("speaker").sort_values("rank")["speaker"].tolist()
    assert bars == ["Al", "Bo", others_label(1)]


@pytest.mark.parametrize("extra, expected", [
    ({"date": ["2024-03-01", "2024-03-02", "2024-04-01"]}, "date"),
    ({"Published_At": ["2024-03-01T10:00:00Z", "2024-03-02T09:00:00+02:00", "2024-04-01"]}, "Published_At"),
    ({"timestamp": ["2024-03-01", "n/a", "2024-04-01"]}, None),  # a third not dates: not a date column
    ({"date": ["soon", "later", "never"]}, None),
    ({"note": ["2024-03-01", "2024-03-02", "2024-04-01"]}, None),  # a date, but not under a date's name
    ({}, None),
])
def test_date_column_is_found_by_name_and_by_its_values(extra: dict, expected: str | None) -> None:
    rows = [quote("d", f"q{i}", "x", **{k: v[i] for k, v in extra.items()}) for i in range(3)]
    found = date_column(frame(rows))
    assert (found.name if found else None) == expected
    if found:
        counts, unit, undated = stance_over_time(frame(rows), found.values)
        assert counts["quotes"].sum() + undated == 3


@pytest.mark.parametrize("extra, expected, outlets", [
    ({"outlet": ["BBC", "AP", "BBC"]}, "outlet", {"BBC": 2, "AP": 1}),
    ({"publication": ["BBC", "", "BBC"]}, "publication", {"BBC": 2}),
    ({"source": ["", "", ""]}, None, None),  # a column with no values is no outlet
    ({"url": ["https://www.bbc.co.uk/news/1", "http://apnews.com/x?y=1", "bbc.co.uk/2"]}, "url",
     {"bbc.co.uk": 2, "apnews.com": 1}),
    ({}, None, None),
])
def test_outlet_column_is_found_by_name_or_from_urls(extra: dict, expected: str | None, outlets: dict | None) -> None:
    rows = [quote("d", f"q{i}", "x", **{k: v[i] for k, v in extra.items()}) for i in range(3)]
    found = outlet_column(frame(rows))
    assert (found.name if found else None) == expected
    if found:
        counts, unknown = stance_per_outlet(frame(rows), found.values, top=25)
        assert counts.groupby("outlet")["quotes"].sum().to_dict() == outlets
        assert unknown == 3 - sum(outlets.values())


def test_quote_columns_are_never_corpus_columns() -> None:
    # `text` and `type` are the quote's own; a table with only them has neither dates nor outlets
    rows = [quote("d", "q1", "2024-03-01", type="partial")]
    assert date_column(frame(rows)) is None and outlet_column(frame(rows)) is None


def test_csv_jsonl_parquet_and_parquet_parts_read_alike(tmp_path: Path) -> None:
    from quotes.records import Quote
    from quotes.tables.export import partition_writer, write_quotes

    doc = '"=1+1," said Jo Park. "Fine," she added.'
    quotes = [Quote.from_row(quote("d", "q1", "=1+1,", doc, mention_start=9, mention_end=16)),
              Quote.from_row(quote("d", "q2", "Fine,", doc, confidence="", speaker=""))]
    frames = []
    for suffix in (".csv", ".jsonl", ".parquet"):
        write_quotes(quotes, tmp_path / f"q{suffix}")
        frames.append(read_table(tmp_path / f"q{suffix}"))
    with partition_writer(tmp_path / "parts", rows_per_part=1) as writer:  # a folder of two one-row parts
        for q in quotes:
            writer.write(q)
    frames.append(read_table(tmp_path / "parts"))
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other, check_dtype=False)
    assert frames[0]["text"].tolist() == ["=1+1,", "Fine,"]  # the CSV's spreadsheet apostrophe taken off
    assert frames[0]["start"].tolist() == [1, doc.index("Fine,")]


# -- the page -----------------------------------------------------------------------

def test_every_text_from_the_table_is_escaped(tmp_path: Path) -> None:
    doc = f"Intro. “{HOSTILE}” said Jo.\n"
    rows = [quote(HOSTILE, HOSTILE, HOSTILE, doc, speaker=HOSTILE, speaker_kind=HOSTILE, cue=HOSTILE,
                  stance=HOSTILE, stance_cues=HOSTILE, outlet=HOSTILE, date="2024-01-01"),
            quote(HOSTILE, "q2", "Intro.", doc, speaker="", speaker_kind="")]
    table = write_csv(tmp_path / "q.csv", rows)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": HOSTILE, "text": doc}) + "\n", encoding="utf-8")
    out = tmp_path / "report.html"
    report = build_report(table, out, texts=[corpus])
    assert report.warnings == []
    html = out.read_text(encoding="utf-8")
    # the only script elements are our own: chart specs (JSON) and the two module scripts
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.fullmatch(r'<script type="application/json" id="spec-\w+">|<script type="module">', tag), tag
    assert "<img" not in markup(html) and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "\\u003cscript\\u003ealert(1)" in html  # inside the chart specs
    assert html.count('<mark id="a1-') == 2  # both quotes highlighted in the text


PROBS = {"hostile": 0.05, "critical": 0.62, "concerned": 0.08, "reassuring": 0.03, "supportive": 0.02,
         "neutral": 0.2}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_hover_gives_the_label_probabilities_most_probable_first(tmp_path: Path, suffix: str) -> None:
    doc = "\u201cWe lost,\u201d said Jo. \u201cFine,\u201d said Al.\n"
    rows = [quote("d", "q1", "We lost,", doc, stance="critical", stance_score=0.62, stance_probs=json.dumps(PROBS)),
            quote("d", "q2", "Fine,", doc, speaker="Al Roe")]  # the cue model's row: no probabilities
    (tmp_path / "d.txt").write_text(doc, encoding="utf-8")
    table = tmp_path / f"q{suffix}"
    if suffix == ".csv":
        write_csv(table, rows)
    else:  # JSONL keeps the probabilities as an object
        table.write_text("".join(json.dumps({**r, "stance_probs": json.loads(r["stance_probs"] or "{}")}) + "\n"
                                 for r in rows), encoding="utf-8")
    assert json.loads(read_table(table)["stance_probs"][0]) == PROBS
    out = tmp_path / "report.html"
    build_report(table, out, texts=[tmp_path / "d.txt"])
    html = out.read_text(encoding="utf-8")
    assert ("stance: critical (0.62)\nprobabilities: critical 0.62, neutral 0.20, concerned 0.08, hostile 0.05, "
            "reassuring 0.03, supportive 0.02\ncue: said") in html
    assert 'title="Al Roe (person)\nstance: neutral (0.50)\ncue: said' in html


def test_top_caps_the_speaker_chart_and_the_page_says_which_columns_it_used(tmp_path: Path) -> None:
    rows = [quote(f"d{k}", f"q{i}", "x", speaker=f"Speaker {k}", published="2024-03-0" + str(1 + k % 9),
                  outlet=f"Outlet {k % 2}") for k in range(8) for i in range(k + 1)]
    out = tmp_path / "report.html"
    build_report(write_csv(tmp_path / "q.csv", rows), out, top=3)
    html = out.read_text(encoding="utf-8")
    specs = {m.group(1): json.loads(m.group(2).replace("\\u003c", "<").replace("\\u003e", ">"))
             for m in re.finditer(r'<script type="application/json" id="spec-(\w+)">(.*?)</script>', html)}
    assert set(specs) == {"speakers", "kinds", "genders", "gender_split", "time", "outlets"}
    bars = {r["speaker"] for data in specs["speakers"]["datasets"].values() for r in data}
    assert bars == {"Speaker 7", "Speaker 6", "Speaker 5", others_label(5)}
    assert "dates from column `published`" in html and "outlets from column `outlet`" in html
    for key in specs:  # each chart drawn statically too, for readers without JavaScript
        assert re.search(rf'id="chart-{key}"[^>]*></div><div class="fallback"><svg', html)


def test_without_date_or_outlet_columns_there_is_no_such_chart_and_the_page_says_why(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    build_report(write_csv(tmp_path / "q.csv", [quote("d", "q1", "x")]), out)
    html = out.read_text(encoding="utf-8")
    assert 'id="chart-time"' not in html and 'id="chart-outlets"' not in html
    assert "no date column" in html and "no outlet column" in html


def test_stale_offsets_are_a_warning_and_the_rest_is_highlighted(tmp_path: Path, capsys) -> None:
    old = 'Jo Park spoke. "We will win," she said. "Soon," she added.\n'
    new = 'Jo Park spoke again today. "We will win," she said. "Soon," she added.\n'
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "d.txt").write_text(new, encoding="utf-8")
    rows = [quote("d", "q1", "We will win,", old), quote("d", "q2", "Soon,", new, stance="supportive")]
    out = tmp_path / "report.html"
    status = main(["report", str(write_csv(tmp_path / "q.csv", rows)), "--texts", str(texts), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == EXIT_SKIPPED  # finished, with quotes it could not place
    assert err.count("Warning:") == 1 and "1 of 2 quotes do not match" in err
    html = out.read_text(encoding="utf-8")
    assert html.count('<mark id="a1-q') == 2  # q2 in the text, q1 in the list of quotes not highlighted
    assert re.search(r'<div class="text">[^<]*<mark id="a1-q2"[^>]*>Soon,</mark>', html)
    assert "not highlighted: its offsets" in html and "1 of 2 quotes do not match" in html


def test_without_texts_each_article_lists_its_quotes(tmp_path: Path) -> None:
    rows = [quote("a", "q1", "First,"), quote("b", "q1", "Second,", speaker="Al Roe")]
    out = tmp_path / "report.html"
    build_report(write_csv(tmp_path / "q.csv", rows), out)
    html = out.read_text(encoding="utf-8")
    assert html.count('<ol class="quotes">') == 2 and '<div class="text">' not in html
    assert re.search(r'<article id="a2">.*<mark id="a2-q1"[^>]*title="Al Roe \(person\)\n[^"]*">Second,</mark>',
                     html, re.S)


def test_a_table_without_quotes_is_a_page_without_charts(tmp_path: Path) -> None:
    table = tmp_path / "q.csv"
    table.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "d.txt").write_text("Nobody said anything.\n", encoding="utf-8")
    out = tmp_path / "report.html"
    report = build_report(table, out, texts=[texts], png=tmp_path / "chart.png")
    html = out.read_text(encoding="utf-8")
    assert (report.quotes, report.articles) == (0, 1)
    assert report.warnings == [f"{tmp_path / 'chart.png'}: not written; the table has no quotes to chart"]
    assert not (tmp_path / "chart.png").exists()
    assert "The table holds no quotes." in html and "<script" not in html
    assert '<article id="a1"><h3>d</h3>' in html and "Nobody said anything." in html


BAD_TABLES = {
    "corpus.csv": ("id,text\n1,Some text.\n", "a corpus of texts goes to --texts"),
    "broken.jsonl": ('{"doc_id": "d", "quote_id"\n', "broken.jsonl:1: not valid JSON"),
    "offsets.csv": (",".join(COLUMNS) + "\nd,q1,abc,5,x" + "," * (len(COLUMNS) - 5) + "\n", "start is 'abc'"),
    "empty.csv": ("", "empty file"),
    "table.txt": ("doc_id\n", "not a quote table file"),
    "missing.csv": (None, "no such file"),
}


@pytest.mark.parametrize("name", sorted(BAD_TABLES))
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys, name: str) -> None:
    content, message = BAD_TABLES[name]
    table = tmp_path / name
    if content is not None:
        table.write_text(content, encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(table), "-o", str(out), "--png", str(tmp_path / "chart.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"Error: {table}") and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name] if content is not None else [])


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/report.csv"], "name it .html"),
    (["-o", "{tmp}/missing/report.html"], "output folder does not exist"),
    (["-o", "{tmp}/report.html", "--png", "{tmp}/chart.jpg"], "name it .png"),
])
def test_bad_outputs_are_refused_before_any_work(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    table = write_csv(tmp_path / "q.csv", [quote("d", "q1", "x")])
    assert main(["report", str(table), *[a.format(tmp=tmp_path) for a in args]]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Error: ") and message in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["q.csv"]


def test_top_must_be_a_number_of_speakers(tmp_path: Path, capsys) -> None:
    table = write_csv(tmp_path / "q.csv", [quote("d", "q1", "x")])
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(table), "-o", str(tmp_path / "r.html"), "--top", "0"])
    assert exit_.value.code == 2 and "'0' is not a number of speakers" in capsys.readouterr().err


# -- the real pipeline ----------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_table(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "quotes.csv"
    assert main(["extract", str(SEEDS), "-o", str(out), "--workers", "1", "-q"]) in (0, 2)
    return out


@pytest.fixture(scope="module")
def seeds_report(seeds_table: Path) -> Path:
    out = seeds_table.with_name("report.html")
    report = build_report(seeds_table, out, texts=[SEEDS], png=seeds_table.with_name("chart.png"))
    assert report.warnings == []
    return out


@pytest.mark.model
def test_seeds_report_highlights_every_quote_and_writes_the_png(seeds_table: Path, seeds_report: Path) -> None:
    rows = read_table(seeds_table)
    html = seeds_report.read_text(encoding="utf-8")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    assert all(texts[r.doc_id][r.start:r.end] == r.text for r in rows.itertuples())
    assert html.count('<mark id="a') == len(rows) > 20
    assert "Not highlighted" not in html
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", markup(html))  # nothing loads from elsewhere
    png = seeds_report.with_name("chart.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


# -- in a real browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, path: Path, javascript: bool = True):
    """The page loaded, with what went wrong: console errors, page errors, requests off this file, dialogs."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.split(":")[0] in ("file", "data", "blob", "about")
            else problems.append(f"request: {r.url}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri())
    return page, problems


def drawn(page, key: str) -> dict:
    """The size of the chart vega-embed drew into #chart-KEY."""
    page.wait_for_selector(f"#chart-{key}.vega-embed svg.marks", timeout=30_000)
    return page.locator(f"#chart-{key} svg.marks").first.bounding_box()


@pytest.mark.model
@pytest.mark.browser
def test_seeds_report_in_chromium(browser, seeds_table: Path, seeds_report: Path) -> None:
    page, problems = open_page(browser, seeds_report)
    box = drawn(page, "speakers")
    assert box["width"] > 200 and box["height"] > 100
    page.wait_for_timeout(300)  # the other charts, and any late error
    assert page.locator(".fallback").count() == len(page.locator(".vega").all()) >= 2
    assert page.locator("#chart-speakers + .fallback").is_hidden()

    # a quote highlighted with its speaker in the title
    row = read_table(seeds_table).iloc[0]
    mark = page.locator("mark.q", has_text=row["text"]).first
    assert mark.inner_text() == row["text"]
    assert mark.get_attribute("title").startswith(f"{row['speaker']} ({row['speaker_kind']})")

    # a speaker table link goes to the article
    link = page.locator("table.speakers td.docs a").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_function(f"location.hash === {json.dumps(target)}")
    top = page.evaluate(f"document.getElementById({json.dumps(target[1:])}).getBoundingClientRect().top")
    assert -1 <= top < 100  # a scrolled-to element may sit half a pixel above the top
    assert problems == []

    # without JavaScript the static SVG is the chart
    page, problems = open_page(browser, seeds_report, javascript=False)
    fallback = page.locator("#chart-speakers + .fallback svg").bounding_box()
    assert fallback["width"] > 200 and fallback["height"] > 100
    assert problems == []


@pytest.mark.browser
def test_hostile_table_runs_no_script_in_chromium(browser, tmp_path: Path) -> None:
    doc = f"“{HOSTILE}” said Jo.\n"
    (tmp_path / "d.txt").write_text(doc, encoding="utf-8")
    rows = [quote("d", "q1", HOSTILE, doc, speaker=HOSTILE, stance_cues=HOSTILE)]
    out = tmp_path / "report.html"
    build_report(write_csv(tmp_path / "q.csv", rows), out, texts=[tmp_path / "d.txt"])
    page, problems = open_page(browser, out)
    drawn(page, "speakers")
    page.locator("mark.q").first.hover()
    page.locator('#chart-speakers path[aria-roledescription="bar"]').first.hover()  # vega-tooltip shows the name
    page.wait_for_timeout(300)
    assert page.locator("mark.q").first.inner_text() == HOSTILE
    assert HOSTILE in page.locator("#vg-tooltip-element").inner_text()  # as text, not markup
    assert page.locator("img").count() == 0
    assert problems == []


@pytest.mark.model
@pytest.mark.polnear
@pytest.mark.browser
@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="../shared/polnear is not on this machine")
def test_polnear_dev_report_in_chromium(browser, tmp_path: Path) -> None:
    table = tmp_path / "dev.csv"
    assert main(["extract", str(POLNEAR_DEV), "-o", str(table), "--workers", "1", "-q"]) in (0, 2)
    out = tmp_path / "report.html"
    report = build_report(table, out, texts=[POLNEAR_DEV])
    assert report.warnings == [] and report.articles == 84
    assert report.size < 4_000_000  # the texts (0.4 MB) and the bundle (0.9 MB) dominate
    page, problems = open_page(browser, out)
    box = drawn(page, "speakers")
    assert box["height"] > 25 * 15  # the cap's 25 speakers and the others bar
    assert page.locator("mark.q").count() == report.quotes
    page.wait_for_timeout(500)
    assert problems == []



def test_quote_ids_that_differ_never_share_an_anchor() -> None:
    from quotes.report.article_html import quote_anchor

    ids = ["q 1", "q_1", "q1", "é", "è", "q-1", "引用"]
    anchors = [quote_anchor("a1", q) for q in ids]
    assert len(set(anchors)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", a) for a in anchors)
    assert quote_anchor("a1", "q1") == "a1-q1"  # the ids quotes extract writes stay readable


def test_a_date_keeps_the_day_it_was_written_on_whatever_its_time_zone() -> None:
    table = pd.DataFrame({"date": ["2024-01-01T23:30:00-05:00", "2024-01-02T00:30:00+09:00", "2024-01-03"]})
    days = [d.strftime("%Y-%m-%d") for d in date_column(table).values]
    assert days == ["2024-01-01", "2024-01-02", "2024-01-03"]  # not moved to the UTC day before or after


@pytest.mark.parametrize("cells, days, says", [
    # one day over 12 in the first place settles the column: 05/01 is then 5 January, not 1 May
    (["05/01/2024", "13/01/2024", "2024-02-03"], ["2024-01-05", "2024-01-13", "2024-02-03"], "day first"),
    (["05/01/2024", "01/13/2024", "2024-02-03"], ["2024-05-01", "2024-01-13", "2024-02-03"], ""),
    (["05.01.2024", "05.02.2024", "2024-02-03"], ["2024-05-01", "2024-05-02", "2024-02-03"],
     "no date in the column says which comes first"),
    (["13/01/2024", "01/13/2024", "01/01/2024"], ["2024-01-13", "2024-01-13", "2024-01-01"], "both day first and"),
    (["2024-05-01", "2024-05-02T10:00:00+02:00", "May 3, 2024"], ["2024-05-01", "2024-05-02", "2024-05-03"], ""),
])
def test_numeric_dates_are_read_one_way_for_the_whole_column(cells: list, days: list, says: str) -> None:
    found = date_column(pd.DataFrame({"date": cells}))
    assert [d.strftime("%Y-%m-%d") for d in found.values] == days
    assert says in found.how
    if not says:
        assert found.how == "dates from column `date`"


def test_quotes_of_persons_by_gender_per_outlet_with_what_says_it(tmp_path: Path) -> None:
    rows = [quote("d1", "q1", "x", speaker="Jo Park", speaker_kind="person", speaker_gender="female",
                  speaker_gender_evidence="article", outlet="Courier"),
            quote("d2", "q1", "x", speaker="Tom Reed", speaker_kind="person", speaker_gender="male",
                  speaker_gender_evidence="name", outlet="Gazette"),
            quote("d2", "q2", "x", speaker="Lee Marsh", speaker_kind="person", speaker_gender="unknown",
                  speaker_gender_evidence="none", outlet="Gazette"),
            quote("d3", "q1", "x", speaker="Harbour Board", speaker_kind="organisation", outlet="Gazette")]
    out = tmp_path / "report.html"
    build_report(write_csv(tmp_path / "q.csv", rows), out)
    html = out.read_text(encoding="utf-8")
    assert '<section id="genders">' in html and "Per outlet, outlets from column `outlet`" in html
    assert "<td>female</td><td class=\"n\">1</td><td class=\"n\">33%</td><td>article 1</td>" in html
    assert "<td>unknown</td><td class=\"n\">1</td><td class=\"n\">33%</td><td>none 1</td>" in html
    split = json.loads(re.search(r'id="spec-gender_split">(.*?)</script>', html).group(1))
    cells = {(r["outlet"], r["gender"]): r["quotes"] for data in split["datasets"].values() for r in data}
    assert cells == {("Courier", "female"): 1, ("Gazette", "male"): 1, ("Gazette", "unknown"): 1}
