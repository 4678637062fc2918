"""Specification of attribution on the real model: each quote, its canonical speaker and its type.

Each row of ATTRIBUTED is (text, a quote's text, its canonical speaker, its
type); a text with several quotes has one row per quote that matters.
"""
from __future__ import annotations

import pytest

import quotes
from quotes.pipeline.annotator import Annotator

pytestmark = pytest.mark.model

P = pytest.param




@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


ATTRIBUTED = [
    # -- cue after the quote -------------------------------------------------------
    P('"We will finish the bridge by spring," Jo Park said.',
      "We will finish the bridge by spring,", "Jo Park", "direct", id="quote-name-said"),
    P('"We will finish the bridge by spring," said Jo Park.',
      "We will finish the bridge by spring,", "Jo Park", "direct", id="quote-said-name"),
    P('"The vote was fair," Smith said.', "The vote was fair,", "Smith", "direct", id="surname-only"),
    P('"The tide is rising," Jo Park told the Courier on Monday.',
      "The tide is rising,", "Jo Park", "direct", id="quote-name-told-addressee"),
    P('"The bridge will be finished by spring", according to Jo Park.',
      "The bridge will be finished by spring", "Jo Park", "direct", id="quote-according-to"),
    # -- cue before the quote ------------------------------------------------------
    P('Jo Park told the Courier: "We will finish the bridge by spring."',
      "We will finish the bridge by spring.", "Jo Park", "direct", id="name-told-addressee-colon"),
    P('According to Jo Park: "The bridge will be finished by spring."',
      "The bridge will be finished by spring.", "Jo Park", "direct", id="according-to-colon"),
    P('In a statement, the Harbor Authority said: "The pier will reopen on Monday."',
      "The pier will reopen on Monday.", "Harbor Authority", "direct", id="org-said-colon"),
    P('Jo Park had a simple message for the council: "Finish the bridge by spring."',
      "Finish the bridge by spring.", "Jo Park", "direct", id="colon-introduction"),
    P('Jo Park\'s message to the council was short: "Finish the bridge by spring."',
      "Finish the bridge by spring.", "Jo Park", "direct", id="colon-introduction-possessive"),
    # -- organisations ---------------------------------------------------------------
    P('The Harbor Authority announced new fares on Monday.\nIt added: "Children will still travel free."',
      "Children will still travel free.", "Harbor Authority", "direct", id="it-added-after-org"),
    P('The Harbor Authority said prices would rise.\n"Children will still travel free," it added.',
      "Children will still travel free,", "Harbor Authority", "direct", id="quote-it-added-after-org"),
    P('The Harbor Authority said fares would rise. Jo Park, a ferry captain, disagreed.\n'
      'It added: "Children will still travel free."',
      "Children will still travel free.", "Harbor Authority", "direct", id="it-skips-a-nearer-person"),
    P('Harbor Authority officials said: "The pier will reopen on Monday."',
      "The pier will reopen on Monday.", "Harbor Authority", "direct", id="org-officials-said"),
    P('"The pier will reopen on Monday," Harbor Authority officials said.',
      "The pier will reopen on Monday,", "Harbor Authority", "direct", id="quote-org-officials-said"),
    P('"Fares will rise," said a spokesman for the Harbor Authority.',
      "Fares will rise,", "Harbor Authority", "direct", id="spokesman-for-org"),
    P('The Harbor Authority announced new fares on Monday.\n"Prices will rise in June," the authority said.',
      "Prices will rise in June,", "Harbor Authority", "direct", id="org-short-form"),
    # -- a medium relaying someone's words --------------------------------------------
    P('The Harbor Authority, the city\'s port agency, posted a photo of the pier on Monday.\n'
      'The agency captioned it: "Our pier is open again", according to a translation by the Courier.',
      "Our pier is open again", "Harbor Authority", "direct", id="relayed-caption-description"),
    P('The Harbor Authority posted a photo of the pier on Monday, captioning it: "Our pier is open again", '
      'according to a translation by the Courier.',
      "Our pier is open again", "Harbor Authority", "direct", id="relayed-caption-named"),
    # -- interrupted quotes: both parts have one speaker -------------------------------
    P('"The first part is done," Jo Park said, "and the second part starts next week."',
      "The first part is done,", "Jo Park", "direct", id="interrupted-first"),
    P('"The first part is done," Jo Park said, "and the second part starts next week."',
      "and the second part starts next week.", "Jo Park", "direct", id="interrupted-second"),
    P('Ann Smith spoke after the vote.\n"The first part is done," she said, "and the second part starts next week."',
      "and the second part starts next week.", "Ann Smith", "direct", id="interrupted-pronoun-second"),
    # -- continuations keep the previous speaker --------------------------------------
    P('"The ferry is late again," said Jo Park.\n"We have waited for an hour."',
      "We have waited for an hour.", "Jo Park", "direct", id="continuation-next-paragraph"),
    P('"The ferry is late again," said Jo Park.\nThe crowd grew restless.\n"We have waited for an hour."',
      "We have waited for an hour.", "Jo Park", "direct", id="continuation-after-narration"),
    P('Jo Park told the Courier on Monday that the tide was rising.\n"We have two days."',
      "We have two days.", "Jo Park", "direct", id="continuation-of-reported-speech"),
    P('"We will not give up," Jo Park said.\n"Never," Tom Reed replied.',
      "Never,", "Tom Reed", "direct", id="a-new-cue-is-a-new-speaker"),
    # -- multi-paragraph quotes: one row over the paragraphs ----------------------------
    P('Jo Park spoke to reporters on Friday.\n"The harbor will close in May.\n'
      '"Workers will move to the north pier.\n"Nobody will lose a job," she said.',
      'The harbor will close in May.\n"Workers will move to the north pier.\n"Nobody will lose a job,',
      "Jo Park", "direct", id="multi-paragraph"),
    P('"The harbor will close in May.\n\n"Workers will move to the north pier.\n\n'
      '"Nobody will lose a job," Harbor Authority chief Jo Park said.',
      'The harbor will close in May.\n\n"Workers will move to the north pier.\n\n"Nobody will lose a job,',
      "Jo Park", "direct", id="multi-paragraph-blank-lines"),
    # -- partial quotes inside reported speech ----------------------------------------
    P('Jo Park said the plan was "reckless" and would cost too much.',
      "reckless", "Jo Park", "partial", id="partial-said-the-plan-was"),
    P('Jo Park said on Monday that the fares were "too high for families".',
      "too high for families", "Jo Park", "partial", id="partial-said-that"),
    P('Jo Park, a former pilot, said the runway was "far too short" for the new jets.',
      "far too short", "Jo Park", "partial", id="partial-after-apposition"),
    P('The Harbor Authority said the fares were "fair and final."',
      "fair and final.", "Harbor Authority", "partial", id="partial-org"),
    P('Tom Reed called the mayor "Captain Chaos" on Monday.', "Captain Chaos", "Tom Reed", "partial",
      id="partial-title-case-name-calling"),
    P('Jo Park walked to the pier.\nShe said the plan was "reckless".',
      "reckless", "Jo Park", "partial", id="partial-pronoun"),
    # -- pronouns: the nearest compatible person ------------------------------------
    P('Ann Smith met Tom Reed at the harbor.\n"We will rebuild the pier," she said.',
      "We will rebuild the pier,", "Ann Smith", "direct", id="she-skips-a-nearer-man"),
    P('Tom Reed met Ann Smith at the harbor.\n"We will rebuild the pier," he said.',
      "We will rebuild the pier,", "Tom Reed", "direct", id="he-skips-a-nearer-woman"),
    P('Tom Reed met Ann Smith at the harbor.\n"We will rebuild the pier," she said.',
      "We will rebuild the pier,", "Ann Smith", "direct", id="she-nearest-woman"),
    P('Jo Park and her father, Lee, waited at the pier.\n"We have waited since dawn," he said.',
      "We have waited since dawn,", "Lee Park", "direct", id="he-gender-from-kinship"),
    P('Lee Park and his daughter, Jo, waited at the pier.\n"We have waited since dawn," she said.',
      "We have waited since dawn,", "Jo Park", "direct", id="she-gender-from-kinship"),
    P('Ann Smith and her husband Tom watched the ferry leave.\n"We waited all year for this," he said.',
      "We waited all year for this,", "Tom Smith", "direct", id="he-husband-takes-family-name"),
    P('Tom Reed arrived at the pier with his wife, Julie.\n"We are tired but happy," she said.',
      "We are tired but happy,", "Julie Reed", "direct", id="she-wife-takes-family-name"),
    # -- short names, descriptions, kinship, titles --------------------------------
    P('Scott Kelly returned to the harbor on Monday.\n"The water is colder than last year," Kelly said.',
      "The water is colder than last year,", "Scott Kelly", "direct", id="surname-after-full-name"),
    P('Jo Park warned that the tide was rising.\n"We have two days," Park added.',
      "We have two days,", "Jo Park", "direct", id="surname-after-full-name-added"),
    P('A former pilot, Jo Park, said: "The runway is too short."',
      "The runway is too short.", "Jo Park", "direct", id="description-apposition-before"),
    P('"The runway is too short," a former pilot, Jo Park, said.',
      "The runway is too short,", "Jo Park", "direct", id="description-apposition-after"),
    P('Ann Smith, the mayor, met Tom Reed on Monday.\n"We agreed on nothing," the mayor said.',
      "We agreed on nothing,", "Ann Smith", "direct", id="description-used-earlier"),
    P('Smith\'s mother Ann told the Courier: "He always wanted to fly."',
      "He always wanted to fly.", "Ann Smith", "direct", id="kinship-before"),
    P('Tom Smith flew the plane.\n"He always wanted to fly," Smith\'s mother Ann told the Courier.',
      "He always wanted to fly,", "Ann Smith", "direct", id="kinship-after"),
    P('Jo Park\'s mother, Ann, said: "She was always brave."',
      "She was always brave.", "Ann Park", "direct", id="kinship-comma"),
    P('"We need more ferries," said Senator Jo Park.',
      "We need more ferries,", "Jo Park", "direct", id="inverted-cue-with-title"),
    P('"The vote was fair," said Dr. Ann Smith.', "The vote was fair,", "Ann Smith", "direct",
      id="inverted-cue-with-abbreviated-title"),
    P('Senator Jo Park said: "We need more ferries."',
      "We need more ferries.", "Jo Park", "direct", id="title-before-name"),
    P('"Fares will rise," Harbor Authority spokesman Tom Reed said.',
      "Fares will rise,", "Tom Reed", "direct", id="named-spokesman"),
    # -- a quote that opens a new sentence in the paragraph is still direct ----------
    P('Scott Kelly returned to the harbor on Monday. "The water is colder than last year," Kelly said.',
      "The water is colder than last year,", "Scott Kelly", "direct", id="quote-after-a-sentence"),
    P('Tom Reed arrived at the pier with his wife, Julie. "We are tired but happy," she said.',
      "We are tired but happy,", "Julie Reed", "direct", id="quote-after-a-sentence-pronoun"),
    P('"We will not give up," Jo Park said. "Never."',
      "Never.", "Jo Park", "direct", id="continuation-in-the-same-paragraph"),
    # -- the layouts of other corpora -------------------------------------------------------
    P("''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist.",
      "This isn't tax reform,", "Douglas Holtz-Eakin", "direct", id="nyt-two-apostrophes"),
    P("``We will win,'' said Jo Park.", "We will win,", "Jo Park", "direct", id="ptb-marks"),
    P('Jo Park spoke on Monday. "We will win the vote\nin the spring," she said.',
      "We will win the vote\nin the spring,", "Jo Park", "direct", id="hard-wrapped-line"),
    P("A stray “ mark. “We will win,” Jo Park said.", "We will win,", "Jo Park", "direct",
      id="quote-after-a-stray-mark"),
    P('"Uneasy" residents fear the plan, Jo Park said.', "Uneasy", "Jo Park", "partial",
      id="scare-quote-opening-reported-speech"),
    # -- a broken mark costs no other quote its row -----------------------------------
    P('"We will win, Park said. "It is close," Smith added.',
      "It is close,", "Smith", "direct", id="quote-after-an-unclosed-one"),
    P('"We will win, Park said.\nThe vote is on Monday.\n"It is close," Smith added.',
      "It is close,", "Smith", "direct", id="quote-after-an-unclosed-paragraph"),
    P('Jo Park said the plan is "really a vague idea.\n\n"We vote on bills. That is what we do," Park said.',
      'really a vague idea.\n\n"We vote on bills. That is what we do,', "Jo Park", "partial",
      id="fragment-left-open-into-the-next-paragraph"),
]

NOT_QUOTES = [
    P('Jo Park told the Courier\'s "Morning Harbor" on Friday that the pier was safe.', id="show-title-addressee"),
    P('The mayor spoke during a "Harbor Safety Forum" sponsored by the Courier.', id="event-title"),
    P('The crowd sang the song "Goodbye" as the ferry left.', id="song-title"),
    P('The film "Harbor Lights" opens on Friday.', id="film-title"),
    P('The crowd sang the lyric "hold on to the light" twice.', id="lyric"),
    P('"Succession" won the award on Sunday.', id="title-opening-a-paragraph"),
    P('Jo Park spoke on Monday.\n\n"Game of Thrones" returns in April.', id="title-opening-a-later-paragraph"),
    P("'Uneasy' residents fear the plan.", id="scare-quote-opening-a-paragraph"),
    P('The crowd sang the song "Goodbye. Hello." as the ferry left.', id="song-title-of-two-sentences"),
    P('The award went to "Harbor Lights. The Return" on Friday.', id="title-of-two-sentences"),
    P('The plan was "a mess" and "a disaster" by every account.', id="scare-quotes-without-a-cue"),
    P('Jo Park says that her favorite book is "The Harbor at Dawn".', id="title-named-by-a-title-noun-after-a-cue"),
    P('Jo Park said the slogan of the campaign was "Ships First".', id="slogan-named-after-a-cue"),
]

# quoted sentences with no cue or speaker anywhere near: somebody's utterance all the same (a row, no speaker)
UTTERANCES = [
    P('The crowd heard "We will win. Nobody can stop us." from the stage.', "We will win. Nobody can stop us.",
      id="two-sentences-mid-sentence"),
    P('Under the photo was "The harbor will close.\n\n"Workers will move.\n\n"Nobody will lose a job." in small print.',
      'The harbor will close.\n\n"Workers will move.\n\n"Nobody will lose a job.',
      id="paragraphs-reopened-mid-sentence"),
    P('Under the photo was "The harbor will close,\nworkers will move.\nNobody will lose a job." in small print.',
      "The harbor will close,\nworkers will move.\nNobody will lose a job.", id="lines-mid-sentence"),
    P("Under the photo was 'The harbor will close.\nWorkers will move.' in small print.",
      "The harbor will close.\nWorkers will move.", id="lines-single-marks"),
]


def _row(rows, quote: str):
    found = [q for q in rows if q.text == quote]
    assert found, f"no row for {quote!r}; rows: {[q.text for q in rows]}"
    return found[0]


def _assert_offsets(text: str, rows) -> None:
    for q in rows:
        assert text[q.start:q.end] == q.text
        if q.speaker_mention:
            assert text[q.mention_start:q.mention_end] == q.speaker_mention
            assert q.mention_end <= q.start or q.mention_start >= q.end, "words of a quote never name its speaker"
        else:
            assert q.mention_start is None and q.mention_end is None


@pytest.mark.parametrize("text, quote, speaker, kind", ATTRIBUTED)
def test_attribution(annotator: Annotator, text: str, quote: str, speaker: str, kind: str) -> None:
    rows = annotator.annotate_text(text)
    q = _row(rows, quote)
    assert (q.speaker, q.type) == (speaker, kind)
    assert q.speaker_mention, "an attributed quote names its speaker somewhere in the text"
    _assert_offsets(text, rows)


@pytest.mark.parametrize("text", NOT_QUOTES)
def test_titles_and_lyrics_are_nobodys_utterance(annotator: Annotator, text: str) -> None:
    assert annotator.annotate_text(text) == []


@pytest.mark.parametrize("text, quote", UTTERANCES)
def test_quoted_sentences_are_an_utterance_without_a_speaker(annotator: Annotator, text: str, quote: str) -> None:
    rows = annotator.annotate_text(text)
    assert [(q.text, q.type, q.speaker) for q in rows] == [(quote, "direct", "")]
    _assert_offsets(text, rows)


def test_every_quote_of_a_document_gets_a_row(annotator: Annotator) -> None:
    text = ('Jo Park opened the pier on Monday.\n'
            '"It took ten years," she said.\n'
            'Tom Reed disagreed. He called the pier "a waste of money".\n'
            '"Nobody asked us," said Ann Smith.')
    rows = annotator.annotate_text(text, doc_id="pier")
    assert [(q.text, q.speaker) for q in rows] == [
        ("It took ten years,", "Jo Park"),
        ("a waste of money", "Tom Reed"),
        ("Nobody asked us,", "Ann Smith"),
    ]
    assert [q.quote_id for q in rows] == ["q1", "q2", "q3"]
    assert {q.doc_id for q in rows} == {"pier"}
    _assert_offsets(text, rows)


def test_spelling_variants_merge_across_documents() -> None:
    df = quotes.extract_dataframe({
        "a": 'Ann Smith opened the new pier on Monday.\n"It took ten years," Smith said.',
        "b": '"The pier is finally open," said Ann Smith.',
        "c": '"We will add a second pier," Ann Smyth told reporters.',
        "d": '"Nobody asked us," said Tom Reed.',
    })
    assert list(df.columns) == quotes.COLUMNS
    speakers = dict(zip(df["doc_id"], df["speaker"]))
    assert speakers == {"a": "Ann Smith", "b": "Ann Smith", "c": "Ann Smith", "d": "Tom Reed"}
    # the mention keeps the document's own spelling
    assert df.loc[df["doc_id"] == "c", "speaker_mention"].item() == "Ann Smyth"
