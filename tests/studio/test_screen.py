"""The annotation screen in a real headless Chromium, on the session's real Label Studio server.

One seed article is pushed the way `quotes push` does it; a browser logs in,
opens the task, marks a new quote, selects a quote lying well down the
article, and checks that its controls are beside the text and on screen, with
the predicted speaker; it corrects that quote and submits, and the export
reads back exactly those changes. Set QUOTES_SCREENSHOT=docs/annotation-screen.png
to refresh the README's screenshot from this run.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from quotes.pipeline.annotator import Annotator, annotate_corpus
from quotes.records import Quote
from quotes.studio import convert, sync
from quotes.studio.adapter import Studio
from quotes.studio.labelconfig import DEFAULT_STANCE, DEFAULT_TYPE, SIDE_CLASS, read_label_config, stance_labels
from quotes.studio.server import LocalServer
from quotes.studio.settings import Connection
from quotes.tables.corpus import Document, read_corpus

pytestmark = [pytest.mark.studio, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
CONFIG = REPO / "annotations" / "label_config.xml"
CHROMIUM = Path("/usr/bin/chromium")
# we run as root; the background-networking flags stop connection attempts this closed network refuses
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
SLOW = 180_000  # ms: Label Studio's pages on two busy shared cores
SIDE = f".{SIDE_CLASS}"

# Console errors Label Studio makes by itself, whatever the config, each a 404 its page logs: the
# labeling page asks for /heidi-tips (a tips service the open-source server lacks), and after the last
# task is submitted it asks for the next one (`next_task`), which the server answers with 404.
NOISE_404 = {("/heidi-tips", ""), ("/api/dm/actions", "next_task")}

# a text range's box by its words, found in the rendered article (scrolled to the middle of the pane first)
RANGE_BOX = """([words]) => {
  const walk = document.createTreeWalker(document.querySelector('.lsf-richtext'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const at = n.data.indexOf(words);
    if (at < 0) continue;
    n.parentElement.scrollIntoView({block: 'center'});
    const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + words.length);
    const b = r.getBoundingClientRect(); return {x: b.left, y: b.top, width: b.width, height: b.height};
  }
  return null; }"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package; `make browser`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed in this environment")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _far_quote(document: Document, rows: list[Quote]) -> Quote:
    """The first quote with a speaker past 60% of the article: the one an annotator must scroll to."""
    return next(q for q in rows if q.speaker and q.start > 0.6 * len(document.text))


def _free_words(document: Document, rows: list[Quote]) -> str:
    """The first words of the first paragraph no region touches, found once in the text: room for a new quote."""
    taken = [(q.start, q.end) for q in rows] + [(q.mention_start, q.mention_end) for q in rows
                                                  if q.mention_start is not None]
    at = 0
    for para in document.text.split("\n"):
        start, end = at, at + len(para)
        at = end + 1
        words = " ".join(para.split()[:4])
        if len(para.split()) >= 6 and document.text.count(words) == 1 and \
                not any(s < end and start < e for s, e in taken):
            return words
    raise AssertionError(f"{document.origin}: no paragraph free of regions to mark a new quote in")


@pytest.fixture(scope="module")
def pushed(studio_server: LocalServer):
    """The longest seed pushed as `quotes push` does it: (studio, project, task id, document, rows, labels)."""
    annotator = Annotator()
    documents = [d for d in read_corpus([SEEDS]) if isinstance(d, Document)]
    document = max(documents, key=lambda d: len(d.text))
    rows, skipped = annotate_corpus(annotator, [document])
    assert not skipped and rows
    labels = stance_labels(annotator.rules)
    xml, _ = read_label_config(CONFIG, labels)
    studio = Studio(Connection(studio_server.url, studio_server.credentials.token))
    version = annotator.rules.version
    report = sync.push(studio, "screen check", sync.build_items([document], rows, version), version, xml,
                       stance_labels=list(labels))
    (task,) = studio.tasks(report.project.id)
    return studio, report.project, task.id, document, rows, list(labels)


def _inside(box: dict, width: float, height: float) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


def test_the_quote_controls_stay_beside_the_quote(browser, pushed, studio_server: LocalServer, tmp_path: Path) -> None:
    studio, project, task_id, document, rows, labels = pushed
    far, free = _far_quote(document, rows), _free_words(document, rows)
    creds = studio_server.credentials
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(SLOW)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def on_console(msg) -> None:
        url = urlparse(msg.location.get("url", ""))
        known = (url.path, parse_qs(url.query).get("id", [""])[0]) in NOISE_404 and "status of 404" in msg.text
        if msg.type == "error" and not known:
            errors.append(f"console error: {msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.goto(f"{studio_server.url}/user/login")
    page.fill("input[name=email]", creds.user)
    page.fill("input[name=password]", creds.password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/user/login" not in url)
    page.goto(f"{studio_server.url}/projects/{project.id}/data?labeling=1&task={task_id}")
    # a region id is its quote id; Label Studio names the highlight's spans after it
    quote = page.locator(f'.lsf-richtext span.htx-highlight[class*="htx-highlight-{far.quote_id}-"]').first
    quote.wait_for(state="attached")
    assert quote.bounding_box()["y"] > VIEWPORT["height"], "the chosen quote should start below the first screen"
    assert page.locator(SIDE).is_visible(), "the side column shows before anything is selected"

    # a new quote: pick QUOTE, select words nobody marked, then select the new region; its controls are empty
    page.locator(f"{SIDE} .lsf-label", has_text="QUOTE").first.click()
    words = page.evaluate(RANGE_BOX, [free])
    assert words, f"'{free}' is not on the page"
    middle = words["y"] + words["height"] / 2
    page.mouse.move(words["x"] + 1, middle)
    page.mouse.down()
    page.mouse.move(words["x"] + words["width"] - 1, middle, steps=5)
    page.mouse.up()
    added = page.locator(".lsf-richtext span.htx-highlight", has_text=free).first
    added.click()
    page.locator(f"{SIDE} [data-testid=textarea-control]").wait_for(state="visible")
    assert page.locator(f"{SIDE} [data-testid=htx-textbox-content]").count() == 0, "no speaker is prefilled"
    assert page.locator(f"{SIDE} input[type=checkbox]:checked").count() == 0
    headers = page.locator(SIDE).inner_text()
    assert f"none chosen: {DEFAULT_STANCE}" in headers and f"none chosen: {DEFAULT_TYPE}" in headers

    # the far quote: scroll to it, select it; the controls are beside it, on screen, with its prediction
    quote.scroll_into_view_if_needed()
    quote.click()
    speaker = page.locator(f"{SIDE} [data-testid=htx-textbox-content]").first
    speaker.wait_for(state="visible")
    side, text, spot = (page.locator(SIDE).bounding_box(), page.locator(".lsf-richtext").bounding_box(),
                        quote.bounding_box())
    assert side["x"] >= text["x"] + text["width"], f"controls {side} are not right of the text {text}"
    assert _inside(spot, **VIEWPORT), f"the quote {spot} is off screen"
    assert _inside(side, **VIEWPORT), f"the controls {side} are off screen while the quote is at {spot}"
    assert speaker.inner_text().strip() == far.speaker
    assert page.locator(f'{SIDE} input[name="{far.stance}"]').is_checked()
    assert page.locator(f'{SIDE} input[name="{far.type}"]').is_checked()
    shot = tmp_path / "annotation-screen.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("QUOTES_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["QUOTES_SCREENSHOT"])

    # correct it here, submit, and the export reads exactly what the screen changed
    new_speaker = f"{far.speaker} Jr."
    new_stance = next(label for label in labels if label != far.stance)
    speaker.hover()
    page.locator(f"{SIDE} [data-testid=htx-textbox-edit-button]").first.click()
    field = page.locator(f"{SIDE} [data-testid=textarea-region] input").first
    field.fill(new_speaker)
    field.press("Enter")
    page.locator(f"{SIDE} label", has=page.locator(f'input[name="{new_stance}"]')).click()
    page.locator('button[aria-label="Submit current annotation"]').click()
    exported = _submitted_rows(studio, project.id)
    page.close()

    machine = {q.quote_id: q for q in rows}
    (new,) = [q for q in exported if q.quote_id not in machine]
    assert (new.text, new.speaker, new.stance, new.type) == (free, "", DEFAULT_STANCE, DEFAULT_TYPE)
    (fixed,) = [q for q in exported if q.quote_id in machine and q != machine[q.quote_id]]
    assert fixed.quote_id == far.quote_id
    assert (fixed.speaker, fixed.stance, fixed.stance_cues) == (new_speaker, new_stance, convert.HUMAN)
    assert len(exported) == len(rows) + 1, "no machine quote was lost"
    assert not errors, errors


def _submitted_rows(studio: Studio, project_id: int, timeout: float = 120.0) -> list[Quote]:
    """The export's rows once the submitted annotation has reached the server."""
    deadline = time.monotonic() + timeout
    while True:
        tasks = studio.export_full(project_id)
        if any(convert.latest_completed(t.get("annotations") or []) for t in tasks):
            return convert.export_rows(tasks)
        if time.monotonic() > deadline:
            raise AssertionError(f"no submitted annotation in project {project_id} after {timeout:.0f} s")
        time.sleep(1)
