"""Specification of the quote-mark scanner (`quotes.text.marks.scan`); no model needed.

Each row of SCANNED is (text, the outermost quoted strings in text order,
optional flags). Flags: `nested` (quotes inside quotes, in text order),
`style`, `paragraphs`, `recovered` (one value per outermost quote).
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from quotes.rules import load_rules
from quotes.text.marks import DASHES, MARK_CHARS, ScannedQuote, scan

BOILERPLATE = load_rules().boilerplate

P = pytest.param


SCANNED = [
    # -- every mark style ------------------------------------------------------
    P('"We will build it," Jo Park said.', ["We will build it,"], {"style": ["double"]}, id="straight-double"),
    P("“We will build it,” Jo Park said.", ["We will build it,"], {"style": ["double"]}, id="curly-double"),
    P("‘We will build it,’ Jo Park said.", ["We will build it,"], {"style": ["single"]}, id="curly-single-british"),
    P("'We will build it,' Jo Park said.", ["We will build it,"], {"style": ["single"]}, id="straight-single"),
    P("«Nous gagnerons», a dit Jo Park.", ["Nous gagnerons"], {"style": ["angle"]}, id="guillemets"),
    P("« Nous gagnerons », a dit Jo Park.", ["Nous gagnerons"], {"style": ["angle"]},
      id="guillemets-french-spacing"),
    P("„Wir kommen“, sagte Jo Park.", ["Wir kommen"], {"style": ["double"]}, id="low-high-double"),
    P('Jo Park said the plan was "reckless".', ["reckless"], {}, id="partial-in-a-sentence"),
    P("Jo Park said the plan was “reckless” and “late”.", ["reckless", "late"], {}, id="two-partials"),
    # -- dash dialogue ---------------------------------------------------------
    P("– Will you help us? – he asked.", ["Will you help us?"], {"style": ["dash"]}, id="dash-en"),
    P("— Will you help us? — he asked.", ["Will you help us?"], {"style": ["dash"]}, id="dash-em"),
    P("– We can, – she said, – but not today.", ["We can,", "but not today."], {"style": ["dash", "dash"]},
      id="dash-resumes-after-narration"),
    P("Jo Park said:\n– We will come tomorrow, – she added.", ["We will come tomorrow,"], {"style": ["dash"]},
      id="dash-paragraph-after-intro"),
    P("- Will you help us? - he asked.", ["Will you help us?"], {"style": ["dash"]},
      id="dash-hyphen"),
    P("Jo Park – the harbor chief – said nothing.", [], {}, id="dashes-in-narration-are-not-dialogue"),
    P("“The vote – a close one – passed,” Jo Park said.", ["The vote – a close one – passed,"], {},
      id="dashes-inside-a-quote"),
    # -- interrupted quotes ------------------------------------------------------
    P('"The first part," she said, "and the second part."', ["The first part,", "and the second part."], {},
      id="interrupted-straight"),
    P("“The first part,” she said, “and the second part.”", ["The first part,", "and the second part."], {},
      id="interrupted-curly"),
    P("‘The first part,’ she said, ‘and the second part.’", ["The first part,", "and the second part."], {},
      id="interrupted-british"),
    # -- multi-paragraph quotes: each paragraph reopens, only the last closes ----
    P('"The harbor will close in May.\n\n"Workers will move to the north pier.\n\n"Nobody will lose a job," Park said.',
      ['The harbor will close in May.\n\n"Workers will move to the north pier.\n\n"Nobody will lose a job,'],
      {"paragraphs": [3], "recovered": [None]}, id="multi-paragraph-straight"),
    P("“The harbor will close in May.\n“Nobody will lose a job,” Park said.",
      ["The harbor will close in May.\n“Nobody will lose a job,"], {"paragraphs": [2]}, id="multi-paragraph-curly"),
    P("‘The harbor will close in May.\n‘Nobody will lose a job,’ Park said.",
      ["The harbor will close in May.\n‘Nobody will lose a job,"], {"paragraphs": [2]}, id="multi-paragraph-british"),
    P("«The harbor will close in May.\n«Nobody will lose a job», Park said.",
      ["The harbor will close in May.\n«Nobody will lose a job"], {"paragraphs": [2]}, id="multi-paragraph-guillemets"),
    # -- nested quotes -----------------------------------------------------------
    P("“He said “no” twice,” Park recalled.", ["He said “no” twice,"], {"nested": ["no"]}, id="nested-same-curly"),
    P('"He said "no" twice," Park recalled.', ['He said "no" twice,'], {"nested": ["no"]}, id="nested-same-straight"),
    P("“He said ‘no’ twice,” Park recalled.", ["He said ‘no’ twice,"], {"nested": ["no"]}, id="nested-single-in-double"),
    P("‘He told me “never again” and left,’ Park said.", ["He told me “never again” and left,"],
      {"nested": ["never again"]}, id="nested-double-in-british"),
    P("‘He said ‘no’ twice,’ Park recalled.", ["He said ‘no’ twice,"], {"nested": ["no"]},
      id="nested-same-british"),
    P("\"He shouted 'stop!'\" Park said.", ["He shouted 'stop!'"], {"nested": ["stop!"]},
      id="nested-closing-together"),
    P("“He told me ‘never again.’” Park said.", ["He told me ‘never again.’"], {"nested": ["never again."]},
      id="nested-curly-closing-together"),
    P("«Il a dit ‹non› deux fois», a dit Park.", ["Il a dit ‹non› deux fois"], {"nested": ["non"]},
      id="nested-single-guillemets"),
    # -- unbalanced: a closing mark missing, recovered at the paragraph's end ----
    P('"We will win, Park said.\nThe vote is on Monday. "It is close," Smith said.',
      ["We will win, Park said.", "It is close,"], {"recovered": ["unclosed", None]}, id="unclosed-then-next-paragraph"),
    P("“We will win,” Park said.\n“We are ready.\nThe vote is on Monday. “Go,” Lee said.",
      ["We will win,", "We are ready.", "Go,"], {"recovered": [None, "unclosed", None]},
      id="unclosed-in-the-middle"),
    P("“We will win.\n\nThe vote is on Monday.", ["We will win."], {"recovered": ["unclosed"]},
      id="unclosed-before-a-blank-line"),
    P('"We will win, Park said. "It is close," Smith added.', ["We will win, Park said.", "It is close,"],
      {"recovered": ["unclosed", None]}, id="unclosed-then-a-quote-in-the-same-paragraph"),
    # -- mismatched: opened with one kind, closed with another ------------------
    P("\"We will win,' Park said.", ["We will win,"], {"recovered": ["mismatched"]}, id="mismatched-straight"),
    P("“We will win,’ Park said.", ["We will win,"], {"recovered": ["mismatched"]}, id="mismatched-curly"),
    P("‘We will win,” Park said.", ["We will win,"], {"recovered": ["mismatched"]}, id="mismatched-single-double"),
    P("\"We will win,’ Park said.", ["We will win,"], {"recovered": ["mismatched"]}, id="mismatched-straight-curly"),
    P('"We will win,\' Park said. Later "it is close," Smith added.', ["We will win,", "it is close,"],
      {"recovered": ["mismatched", None]}, id="mismatched-then-a-quote-in-the-same-paragraph"),
    # -- apostrophes are not quote marks ----------------------------------------
    P("It’s Smith’s plan, the players’ union said.", [], {}, id="apostrophes-curly"),
    P("It's Smith's plan, the players' union said.", [], {}, id="apostrophes-straight"),
    P("The ’90s were all rock ’n’ roll, so let 'em talk.", [], {}, id="elisions"),
    P("The Smiths' album came out in '87, 'cause they said so.", [], {}, id="elisions-straight"),
    P("‘It’s the union’s call,’ Park said.", ["It’s the union’s call,"], {}, id="apostrophes-inside-british-quote"),
    P('"I can\'t go," Park said.', ["I can't go,"], {}, id="apostrophe-inside-straight-double"),
    P("'Tell 'em we're coming,' Park said.", ["Tell 'em we're coming,"], {}, id="elision-inside-straight-single"),
    P("“Our motto is ‘ships first’, and it’s worked since the ’90s,” Park said.",
      ["Our motto is ‘ships first’, and it’s worked since the ’90s,"], {"nested": ["ships first"]},
      id="apostrophes-and-nested-single"),
    P("Park's ’90s plan is 'dead', Lee's team said.", ["dead"], {}, id="quote-among-apostrophes"),
    P("'The players' union will strike,' Park said.", ["The players' union will strike,"], {},
      id="plural-possessive-inside-straight-single"),
    P("‘We backed the players’ union,’ Park said.", ["We backed the players’ union,"], {},
      id="plural-possessive-inside-british"),
    P("'We don't play rock 'n' roll,' Park said.", ["We don't play rock 'n' roll,"], {},
      id="rock-n-roll-inside-straight-single"),
    P("‘We don’t play rock ’n’ roll,’ Park said.", ["We don’t play rock ’n’ roll,"], {},
      id="rock-n-roll-inside-british"),
    P("Park: ‘Harbor Workers’ Have ‘No Place In The Plan.’", ["Harbor Workers", "No Place In The Plan."], {},
      id="s-apostrophe-closes-when-the-closer-after-it-is-taken"),
    P("'The players' union said 'no' to it,' Park said.", ["The players' union said 'no' to it,"], {"nested": ["no"]},
      id="plural-possessive-before-a-nested-quote"),
    # -- boilerplate paragraphs hold no quotes ----------------------------------
    P('Read more: Park says "the harbor is safe"\n"We will stay," Park said.', ["We will stay,"], {},
      id="read-more"),
    P('READ MORE: "Harbor closes" as workers protest\n"We will stay," Park said.', ["We will stay,"], {},
      id="read-more-uppercase"),
    P('Photo credit: "Pier at dawn" by Lee Ford\n"We will stay," Park said.', ["We will stay,"], {},
      id="photo-credit"),
    P('We have no tolerance for comments containing "abuse".\n"We will stay," Park said.', ["We will stay,"], {},
      id="comment-policy"),
    # -- two apostrophes or backticks are one double mark (NYT, PTB, LaTeX) ----------
    P("''This isn't tax reform,'' said Douglas Holtz-Eakin. ''It's anti-reform.''",
      ["This isn't tax reform,", "It's anti-reform."], {"style": ["double", "double"]}, id="nyt-two-apostrophes"),
    P("Alan Cole said: ''It's basically just a tax increase'' for the top bracket.",
      ["It's basically just a tax increase"], {}, id="nyt-partial"),
    P("''The harbor will close.\n\n''Nobody will lose a job,'' Park said.",
      ["The harbor will close.\n\n''Nobody will lose a job,"], {"paragraphs": [2]}, id="nyt-multi-paragraph"),
    P("''I told him, 'No.''' Park said.", ["I told him, 'No.'"], {"nested": ["No."]},
      id="nyt-nested-closing-together"),
    P("``We will win,'' Park said.", ["We will win,"], {"style": ["double"]}, id="ptb-double"),
    P("`We will win,' Park said.", ["We will win,"], {"style": ["single"]}, id="ptb-single"),
    P("``He said `no' twice,'' Park recalled.", ["He said `no' twice,"], {"nested": ["no"]}, id="ptb-nested"),
    P("The renewed ''Hawaii Five-0'' and ''1'' for English.", ["Hawaii Five-0", "1"], {}, id="nyt-titles"),
    P("Run ``make'' or ````code```` here.", ["make"], {}, id="backtick-runs-are-no-marks"),
    P("``He said ``no way,'''' Park recalled.", ["He said ``no way,''"], {"nested": ["no way,"]},
      id="latex-nested-doubles-closing-together"),
    P("`He said `no way,'' Park recalled.", ["He said `no way,'"], {"nested": ["no way,"]},
      id="latex-nested-singles-closing-together"),
    P("A rule of '''' and \"We will win,\" Park said.", ["We will win,"], {}, id="a-run-of-apostrophes-opens-nothing"),
    P("''Tis the season,' Park said.", ["'Tis the season,"], {"style": ["single"]}, id="quote-opening-on-an-elision"),
    # -- a stray mark hides no well-formed quote after it ---------------------------
    P("A stray “ mark. “We will win,” Park said.", ["We will win,"], {"recovered": [None]}, id="stray-curly-opener"),
    P('The "best plan, Park said, is "to wait and see," she added.', ["to wait and see,"], {},
      id="stray-straight-opener"),
    P("Park called it a 'disaster and said \"we will fight,\" on Monday.", ["we will fight,"], {},
      id="stray-single-before-a-double"),
    P('Stray " mark here. "We will win," Park said.', ["mark here.", "We will win,"],
      {"recovered": ["unclosed", None]}, id="floating-straight-mark"),
    P("“He told me ‘no’ and left.\n“Then he came back,” Park said.",
      ["He told me ‘no’ and left.\n“Then he came back,"], {"nested": ["no"], "paragraphs": [2]},
      id="unclosed-with-a-nested-quote-reopens"),
    # -- a quote runs over single line breaks when a line after them closes it ------------------------
    P('Jo Park wrote "The harbor will close.\nWorkers will move.\nNobody will lose a job." in a letter.',
      ["The harbor will close.\nWorkers will move.\nNobody will lose a job."], {"recovered": [None], "paragraphs": [1]},
      id="short-text-quote-over-line-breaks"),
    P("Jo Park wrote 'The harbor will close.\nWorkers will move.' in a letter.",
      ["The harbor will close.\nWorkers will move."], {"style": ["single"], "recovered": [None]},
      id="short-text-single-quote-over-a-line-break"),
    P('"We will win the vote in the spring, when the harbor is\n open again; who can stop us?" Park asked.',
      ["We will win the vote in the spring, when the harbor is\n open again; who can stop us?"], {"recovered": [None]},
      id="quote-over-a-break-onto-an-indented-line"),
    P('"We are ready.\nThe vote is on Monday," Lee said.', ["We are ready.\nThe vote is on Monday,"],
      {"recovered": [None]}, id="quote-over-a-line-break-between-sentences"),
    P('Lee said: “We are ready\nand we will “win” on Monday.”',
      ["We are ready\nand we will “win” on Monday."],
      {"nested": ["win"]}, id="quote-over-a-line-break-with-a-nested-quote"),
    P('"We will win.\n\nThe vote is on Monday," Lee said.', ["We will win."], {"recovered": ["unclosed"]},
      id="a-blank-line-ends-an-open-quote"),
    P('"We will win.\n' + "The vote is on Monday.\n" * 11 + 'It is close," Lee said.', ["We will win."],
      {"recovered": ["unclosed"]}, id="a-closing-mark-too-many-lines-down-closes-nothing"),
    P('"The harbor will close in May, and nobody will lose a job.\nJo Park, harbor master."\n\nThe vote is on Monday.',
      ["The harbor will close in May, and nobody will lose a job."], {"recovered": ["unclosed"]},
      id="a-pull-quote-keeps-its-source-line-out"),
    # -- a text that begins inside a quote: what comes before the closing mark is its tail ------------
    P("'uneasy' on Main street\"\nThe police are here.\n\"We are looking into it,\" police said.",
      ["We are looking into it,"], {}, id="text-beginning-inside-a-quote"),
    P("‘tired’ of the plan,” said the headline.\n“We will win,” Jo Park said.", ["We will win,"], {},
      id="text-beginning-inside-a-curly-quote"),
    P('"Yes," Park said. No," Lee said.', ["Yes,"], {}, id="a-closer-after-a-quote-of-its-kind-cuts-nothing"),
    P("'Bob' was goin’ home, \"we will win,\" Park said.", ["Bob", "we will win,"], {},
      id="an-apostrophe-cuts-nothing"),
    P('The \'big\' screen is 42" wide.', ["big"], {}, id="an-inch-mark-cuts-nothing"),
    P("Jo Park spoke.\n'uneasy' on Main street\"\n\"We will win,\" Park said.", ["uneasy", "We will win,"], {},
      id="only-a-text-beginning-is-cut"),
    P("He said: “The people, led by the “dogs of war”, should think about the cost.",
      ["The people, led by the “dogs of war”, should think about the cost."],
      {"nested": ["dogs of war"], "recovered": ["unclosed"]}, id="unclosed-after-a-colon-keeps-its-nested-quote"),
    P('Park said, "The plan, which Lee called "a mess", will pass.',
      ['The plan, which Lee called "a mess", will pass.'],
      {"nested": ["a mess"], "recovered": ["unclosed"]}, id="unclosed-after-a-comma-keeps-its-nested-quote"),
    P("“The plan, which Lee called ‘a mess’, will pass.\nThe vote is on Monday.",
      ["The plan, which Lee called ‘a mess’, will pass."], {"nested": ["a mess"], "recovered": ["unclosed"]},
      id="unclosed-at-a-paragraph-start-keeps-its-nested-quote"),
    P('"Hello, he said, "how are you doing?"', ["how are you doing?"], {"recovered": [None]},
      id="a-quote-after-a-pause-stands-on-its-own"),
    # -- hard-wrapped lines do not end a quote -----------------------------------------
    P('"We will win the vote\nin the spring," Park said.', ["We will win the vote\nin the spring,"],
      {"recovered": [None]}, id="wrapped-quote"),
    P("WASHINGTON -- Jo Park said on Monday that the harbor bill would pass in\n"
      "the spring. \"We will win the vote, and nobody will lose a job in the\n"
      "harbor,\" Park said. \"It is close.\"",
      ["We will win the vote, and nobody will lose a job in the\nharbor,", "It is close."], {},
      id="wrapped-wire-copy"),
    # -- markup: an attribute's value is no quote, at either end ---------------------------------
    P('<p class="body" data-count="42">"We will win," Jo Park said.</p>', ["We will win,"], {},
      id="markup-attribute-values"),
    P("<p class='body'>Jo Park called the plan 'late'.</p>", ["late"], {}, id="markup-single-quoted-values"),
    P('the vote," Park said.</p>\n<p class="body" data-count="42">"We will win," Jo Park said.</p>',
      ["We will win,"], {}, id="markup-fragment-starting-mid-quote"),
    P('<p class="body" data-count="25">The plan is late," Park said.</p>\n<p class="body" data-count="42">\n', [],
      {}, id="markup-fragment-with-only-a-stray-closer"),
    P("\"'Come in,' said Jo Park; 'and I will\n\ntry to find\n\nfood for you.'\"",
      ["'Come in,' said Jo Park; 'and I will\n\ntry to find\n\nfood for you.'"],
      {"nested": ["Come in,", "and I will\n\ntry to find\n\nfood for you."]}, id="double-spaced-quote"),
    # -- no words, no quote -------------------------------------------------------
    P('"..." Park said.', [], {}, id="only-punctuation"),
    P('Park said: ""', [], {}, id="empty-quotes"),
]


def assert_well_formed(text: str, q: ScannedQuote) -> None:
    """The span is a non-empty substring without surrounding blanks, and its marks lie outside it."""
    assert 0 <= q.start < q.end <= len(text)
    span = text[q.start:q.end]
    assert span == span.strip()
    assert any(c.isalnum() for c in span)
    assert text[:q.start].rstrip().endswith(q.open_mark), (span, q.open_mark)
    if q.close_mark:
        assert text[q.end:].lstrip().startswith(q.close_mark), (span, q.close_mark)


@pytest.mark.parametrize("text, expected, flags", SCANNED)
def test_scan(text: str, expected: list[str], flags: dict) -> None:
    found = scan(text, BOILERPLATE)
    outer = [q for q in found if q.depth == 0]
    nested = [q for q in found if q.depth > 0]
    assert [text[q.start:q.end] for q in outer] == expected
    assert [text[q.start:q.end] for q in nested] == flags.get("nested", [])
    for key in ("style", "paragraphs", "recovered"):
        if key in flags:
            assert [getattr(q, key) for q in outer] == flags[key], key
    for q in found:
        assert_well_formed(text, q)
    for q in nested:
        assert any(o.start <= q.start and q.end <= o.end for o in outer)


def test_offsets_point_into_the_original_text() -> None:
    """Offsets count characters of the text as given, also after astral characters and CRLF."""
    text = "🚢 Jo Park arrived.\r\n“We will build it,” she said.\r\n"
    (q,) = scan(text)
    assert text[q.start:q.end] == "We will build it,"


def test_one_broken_mark_costs_no_other_quote() -> None:
    text = "\n".join([
        "“We will win,” Park said.",
        "Then a stray ” mark and an open “ one.",
        "'A single,' Lee said.",
        "“It is close,’ Smith said.",
        "“Go,” Ford said.",
    ])
    got = [text[q.start:q.end] for q in scan(text) if q.depth == 0]
    assert got[0] == "We will win,"
    assert "A single," in got
    assert "It is close," in got
    assert got[-1] == "Go,"


def test_boilerplate_markers_come_from_the_caller() -> None:
    text = 'Read more: "Harbor closes" as workers protest'
    assert [text[q.start:q.end] for q in scan(text)] == ["Harbor closes"]
    assert scan(text, ["read more:"]) == []


_ALPHABET = list("abcXY 09.,;:!?()\n") + list(MARK_CHARS) + list(DASHES) + ["'", '"', "’", "\n\n", " - "]
_WORDS = ["Park", "said", "it's", "Smith's", "’90s", "rock 'n' roll", "the players' union", "Read more:", "«", "»"]


def test_random_marks_never_raise_and_offsets_stay_valid() -> None:
    """A fixed-seed stand-in for a property test: junk with random marks in every position."""
    rng = random.Random(20261121)
    for _ in range(3000):
        pieces = [rng.choice(_ALPHABET) if rng.random() < 0.7 else rng.choice(_WORDS)
                  for _ in range(rng.randint(0, 60))]
        text = "".join(pieces)
        found = scan(text, BOILERPLATE)
        assert found == sorted(found, key=lambda q: (q.start, -q.end)), text
        outer = [q for q in found if q.depth == 0]
        for q in found:
            assert_well_formed(text, q)
        for q in found:
            if q.depth > 0:
                assert any(o.start <= q.start and q.end <= o.end for o in outer), text


POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "polnear" / "dev" / "text"


@pytest.mark.polnear
@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="../shared/polnear is not on this machine")
def test_polnear_nyt_two_apostrophe_quotes_are_read_with_clean_spans() -> None:
    """The New York Times' ''...'' in PolNeAR dev: every pair of apostrophes opens or closes a quote."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("nyt_*.txt"))]
    texts = [t for t in texts if "''" in t]
    assert len(texts) == 7
    for text in texts:
        found = scan(text, BOILERPLATE)
        edges = {q.start - len(q.open_mark) for q in found} | {q.end for q in found if q.close_mark}
        marks = [m.start() for m in re.finditer(r"(?<!')''(?!')", text)]
        assert [text[p - 30:p + 30] for p in marks if p not in edges] == []
        assert [text[q.start:q.end] for q in found if "'" in (text[q.start], text[q.end - 1])] == []
