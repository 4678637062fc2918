"""Merge stability on the real model: a document's speakers do not depend on the other documents of the run.

The cross-document merge may respell a multi-word name ("Ann Smyth" -> "Ann
Smith", see test_attribution); none of these documents has one, so each must
come out of every run exactly as it comes out alone.
"""
from __future__ import annotations

import pytest

import quotes

pytestmark = pytest.mark.model

DOCS = {
    # Hillary Clinton, named by her surname only, and a Kelly
    "clinton": 'Clinton spoke to voters in Ohio on Monday.\n"We will win this state," Clinton said.\n'
               '"Kelly has been a great partner," she added.\n"We agree," Kelly said.',
    # the family, in two documents: more documents use "Clintons" than "Clinton"
    "family": 'The Clintons gave $2 million to the library.\n"The Clintons have always been generous," '
              'said Ann Smith, its director. The Clintons did not comment.',
    "family-again": '"The Clintons were here in May," said Tom Reed.\nThe Clintons visited the school.',
    # near spellings of unrelated single names
    "kelley": '"The port will reopen in June," Kelley told reporters.\n"It is good news," said Mayor Clifton.',
}


def speakers(df, doc_id: str) -> list[str]:
    return list(df.loc[df["doc_id"] == doc_id, "speaker"])


@pytest.fixture(scope="module")
def alone() -> dict[str, list[str]]:
    return {doc_id: speakers(quotes.extract_dataframe({doc_id: text}), doc_id) for doc_id, text in DOCS.items()}


def test_the_documents_have_speakers(alone: dict[str, list[str]]) -> None:
    assert alone["clinton"] == ["Clinton", "Clinton", "Kelly"]
    assert alone["kelley"] == ["Kelley", "Clifton"]


@pytest.mark.parametrize("run", [
    pytest.param(["clinton", "family", "family-again"], id="clinton-among-the-clintons"),
    pytest.param(["clinton", "family", "family-again", "kelley"], id="with-kelley-and-clifton"),
    pytest.param(["kelley", "clinton"], id="kelly-and-kelley"),
])
def test_speakers_are_the_same_alone_and_in_a_run(alone: dict[str, list[str]], run: list[str]) -> None:
    df = quotes.extract_dataframe({doc_id: DOCS[doc_id] for doc_id in run})
    assert {doc_id: speakers(df, doc_id) for doc_id in run} == {doc_id: alone[doc_id] for doc_id in run}
