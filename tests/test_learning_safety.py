"""Learning that stays safe when the corrections are many (issue 10): what may become a rule, and what not.

Bulk corrections (PolNeAR train gold, converted) taught generic words as aliases, any shared word as a
spelling, one document's verbs as cues and a ranking that fixed nothing, in memory that grew with every
document. Tables of names and descriptions need no model; the rest runs the real one on invented texts.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.tokens import Doc

from quotes.attribution.analysis import analyse
from quotes.cli import main
from quotes.evaluation.evaluate import GoldQuote
from quotes.learning.aliases import is_description, is_misspelling
from quotes.learning.corrections import CorrectedDoc
from quotes.learning.cue_weights import _verbs_beside
from quotes.learning.learner import learn
from quotes.learning.ranking import RankingEvidence, learn_ranking
from quotes.learning.workbench import Workbench, load_parser
from quotes.pipeline.annotator import Annotator
from quotes.rules import load_rules

SPELLINGS = [
    ("Jo Parke", "Jo Park", True),  # one letter
    ("Hilary Clinton", "Hillary Clinton", True),
    ("Roskosmos", "Roscosmos", True),
    ("Eric Trump", "Donald Trump", False),  # a shared word is not a spelling
    ("Breitbart News", "New York Daily News", False),
    ("Trump", "Donald Trump", False),  # part of a name
    ("Mr. Trump", "Donald Trump", False),
    ("Mary Smith", "Mark Smith", False),  # two first names
    ("Jon Smith", "Jan Smith", False),
    ("NSA", "NASA", False),  # an acronym
    ("the Clintons", "Clinton", False),  # a plural
    ("Sen. Smith", "Rep. Smith", False),  # a title
]


@pytest.mark.parametrize("words, name, expected", SPELLINGS, ids=[f"{w} -> {n}" for w, n, _ in SPELLINGS])
def test_a_spelling_is_the_same_name_misspelt(words: str, name: str, expected: bool) -> None:
    assert is_misspelling(words, name, load_rules()) is expected


DESCRIPTIONS = [
    ("Russian news agency", True),
    ("the food charity", True),
    ("state news agency", True),
    ("the Democratic nominee", True),
    ("newspaper", False),  # a single generic word: a common noun, a title, a pronoun, a determiner
    ("the president", False),
    ("one", False),
    ("what", False),
    ("his spokesman", False),
    ("the campaign spokesman", False),  # generic words only: any campaign's spokesman
    ("a spokesman for the campaign", False),
    ("two of them", False),
]


@pytest.mark.parametrize("words, expected", DESCRIPTIONS, ids=[d for d, _ in DESCRIPTIONS])
def test_a_description_has_two_words_one_of_them_specific(words: str, expected: bool) -> None:
    assert is_description(words, load_rules()) is expected


# -- the ranking: an update is kept only when it ranks fewer mentions wrong in cross-validation

def _sample(right: str, other: str) -> tuple[list[dict[str, float]], int]:
    """Two candidates; the right one has the feature `right`, the other `other`."""
    return [{other: 1.0}, {right: 1.0}], 1


def _ranking(samples: dict[str, list]) -> RankingEvidence:
    evidence = RankingEvidence.of(load_rules())
    evidence.samples = {"pronoun": samples}
    return evidence


def test_a_ranking_update_that_helps_other_documents_is_kept() -> None:
    # in every document the subject, not the most recent name, is the speaker
    samples = {f"d{i}": [_sample("subject", "recency")] for i in range(6)}
    data = {"ranking": {"pronoun": {"recency": 1.5, "subject": 1.0}}}
    changes = learn_ranking(_ranking(samples), data)
    assert data["ranking"]["pronoun"]["subject"] > data["ranking"]["pronoun"]["recency"]
    assert changes[-1] == ("  (pronoun decisions ranked wrong: 6 before, 0 after, of 6; "
                           "in cross-validation by document: 6 before, 0 after)")


def test_a_ranking_update_that_fixes_nothing_it_was_not_trained_on_is_not_kept() -> None:
    """One document's pronoun goes by a feature no other document shows: learning fixes it in training, but no
    held-out document gains, so the weights stay."""
    samples = {"a": [([{"recency": 1.0}, {"subject": 1.0, "salience": 1.0}], 1)],
               **{f"d{i}": [([{"subject": 1.0}, {"recency": 1.0}], 1)] for i in range(3)}}
    data = {"ranking": {"pronoun": {"recency": 1.5, "subject": 1.0, "salience": 0.0}}}
    changes = learn_ranking(_ranking(samples), data)
    assert data["ranking"] == {"pronoun": {"recency": 1.5, "subject": 1.0, "salience": 0.0}}
    assert len(changes) == 1 and changes[0].startswith("ranking pronoun unchanged: the update does not rank fewer "
                                                       "mentions wrong (pronoun decisions ranked wrong: 1 before")
    assert changes[0].endswith("in cross-validation by document: 1 before, 1 after)")


def test_the_same_decisions_always_give_the_same_weights() -> None:
    samples = {f"d{i}": [_sample("subject", "recency"), _sample("paragraph", "salience")] for i in range(5)}
    first, second = ({"ranking": {"pronoun": {"recency": 1.0}}} for _ in range(2))
    learn_ranking(_ranking(samples), first)
    learn_ranking(_ranking(samples), second)
    assert first == second and all(v == round(v, 2) for v in first["ranking"]["pronoun"].values())


def test_weights_of_an_older_file_with_one_kind_of_decision_weigh_the_pronouns() -> None:
    from quotes.rules import ranking_weights

    assert ranking_weights({"recency": 1.0, "subject": 2}) == {"pronoun": {"recency": 1.0, "subject": 2.0}}


# -- the workbench keeps bytes, not Docs

HARBOUR = ('The harbour board met in Dunmore on Monday.\n\n'
           '"The repairs were shoddy from the first day," Jo Parke said.\n\n'
           '"We expect a decision soon," she added.\n')


@pytest.mark.model
def test_the_workbench_keeps_each_parse_as_bytes_and_rebuilds_the_same_analysis() -> None:
    doc = CorrectedDoc("harbour", HARBOUR, [], "test")
    bench = Workbench([doc])
    assert not [v for v in vars(bench).values() if isinstance(v, Doc)
                or (isinstance(v, dict) and any(isinstance(x, Doc) for x in v.values()))]
    first, second = bench.parsed("harbour"), bench.parsed("harbour")
    assert first is not second  # rebuilt each time, dropped after use
    fresh = load_parser()(HARBOUR)
    rules = load_rules()
    assert [q.to_row() for q in analyse(first, rules).quotes] == [q.to_row() for q in analyse(fresh, rules).quotes]


# -- aliases on the real model

PARCELS = ('Volunteers handed out food parcels in Eastfield on Saturday.\n\n'
           '"Demand has doubled since the spring," {} said.\n')


@pytest.fixture(scope="module")
def old() -> Annotator:
    return Annotator()


def corrected(doc_id: str, text: str, machine, speaker: str, mention_only: bool = False) -> CorrectedDoc:
    return CorrectedDoc(doc_id, text, [GoldQuote(q.doc_id, q.start, q.end, q.text, q.type, speaker, [], q.stance, [],
                                                 q.speaker_mention, q.mention_start, q.mention_end,
                                                 speaker_is_mention=mention_only) for q in machine], "test")


@pytest.mark.model
@pytest.mark.parametrize("description, changes", [
    ("the food charity", ["new speaker 'Eastfield Food Bank': organisation (the model's reading of the name)",
                          "alias 'food charity' -> 'Eastfield Food Bank' (evidence 1 document(s))"]),
    ("the charity", []),  # one generic word: any charity
], ids=["two words", "one generic word"])
def test_a_description_needs_a_specific_word(old: Annotator, description: str, changes: list[str]) -> None:
    text = PARCELS.format(description)
    machine = old.annotate_text(text, "parcels")
    assert [q.speaker_mention for q in machine] == [description]
    docs = [corrected("parcels", text, machine, "Eastfield Food Bank")]
    assert learn(load_rules(), Workbench(docs), ["parcels"]).changes == changes


@pytest.mark.model
def test_a_speaker_given_as_the_texts_words_teaches_no_alias(old: Annotator) -> None:
    """Converted attribution gold names speakers as the text does ("the Eastfield Food Bank" here): no canonical
    name, so no alias, however different from the machine's name."""
    text = PARCELS.format("the food charity")
    machine = old.annotate_text(text, "parcels")
    docs = [corrected("parcels", text, machine, "the Eastfield Food Bank", mention_only=True)]
    assert learn(load_rules(), Workbench(docs), ["parcels"]).changes == []


@pytest.mark.model
def test_words_a_person_kept_as_a_speakers_name_elsewhere_are_no_alias(old: Annotator) -> None:
    named = PARCELS.format("the food charity")
    kept = ('A food charity opened a second warehouse in Westbury this week.\n\n'
            '"We need more drivers for the winter," the food charity said.\n')
    docs = [corrected("parcels", named, old.annotate_text(named, "parcels"), "Eastfield Food Bank"),
            corrected("warehouse", kept, old.annotate_text(kept, "warehouse"), "food charity")]
    assert learn(load_rules(), Workbench(docs), ["parcels", "warehouse"]).changes == [
        "alias 'food charity' not learned: the corrections give it 'Eastfield Food Bank' (1 document(s)) and "
        "'food charity' (1 document(s))"]


# -- cues on the real model

FARES = ('The ferry runs twice a day.\n\n"Fares will rise in June," Jo Park {}.\n')
TIMES = ('The bus depot will close in June.\n\n"The works start on Monday," Ann Smith {}.\n')


@pytest.mark.model
@pytest.mark.parametrize("verb, changes", [
    ("intoned", ["new cue verb 'intone' weight 0.80 (quotes added or given a speaker in 2 doc(s))"]),
    ("points out", []),  # "point" alone is no cue: "pointing to the figures"
], ids=["a verb", "a phrasal verb"])
def test_a_phrasal_verb_is_not_learned_as_its_bare_lemma(old: Annotator, verb: str, changes: list[str]) -> None:
    docs = []
    for doc_id, (template, speaker) in {"fares": (FARES, "Jo Park"), "times": (TIMES, "Ann Smith")}.items():
        text = template.format(verb)
        machine = old.annotate_text(text, doc_id)
        assert [q.speaker for q in machine] == [""]
        at = text.index(speaker)
        docs.append(CorrectedDoc(doc_id, text, [GoldQuote(doc_id, q.start, q.end, q.text, "direct", speaker, [], "",
                                                          [], speaker, at, at + len(speaker)) for q in machine],
                                 "test"))
    assert learn(load_rules(), Workbench(docs), ["fares", "times"]).changes == changes


@pytest.mark.model
def test_documents_a_person_left_without_a_quote_count_against_the_cues_of_the_machines(
        tmp_path: Path, capsys) -> None:
    """A gold row with only a doc_id: the document holds no quote, so the machine's quotes there were deleted."""
    for doc_id, template in {"fares": FARES, "times": TIMES}.items():
        (tmp_path / f"{doc_id}.txt").write_text(template.format("quipped"), encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc_id": "fares"}\n{"doc_id": "times"}\n', encoding="utf-8")
    out = tmp_path / "rules.yaml"
    code = main(["learn", str(gold), "--texts", str(tmp_path), "-o", str(out), "--force"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "  cue 'quip' weight 1.00 -> 0.50 (kept 0, deleted 2 in 2 doc(s))\n" in stdout
    assert load_rules(out).data["cue_verbs"]["quip"]["weight"] == 0.5


HYMN = ('The chapel reopened on Sunday.\n\nJo Park intoned a hymn, and Ann Smith said: "The roof is fixed at last."\n')


@pytest.mark.model
@pytest.mark.parametrize("others, changes", [
    (0, ["new cue verb 'intone' weight 0.80 (quotes added or given a speaker in 2 doc(s))"]),
    (3, []),  # beside others' quotes in 3 documents, introducing the speaker in 2: under min_cue_share
], ids=["introduces its speakers", "stands beside others' quotes more often"])
def test_a_verb_that_stands_beside_others_quotes_more_often_is_no_cue(old: Annotator, others: int,
                                                                      changes: list[str]) -> None:
    docs = []
    for doc_id, (template, speaker) in {"fares": (FARES, "Jo Park"), "times": (TIMES, "Ann Smith")}.items():
        text = template.format("intoned")
        at = text.index(speaker)
        docs.append(CorrectedDoc(doc_id, text, [GoldQuote(doc_id, q.start, q.end, q.text, "direct", speaker, [], "",
                                                          [], speaker, at, at + len(speaker))
                                                for q in old.annotate_text(text, doc_id)], "test"))
    for n in range(others):
        machine = old.annotate_text(HYMN, f"hymn{n}")
        assert [(q.speaker, q.cue) for q in machine] == [("Ann Smith", "said")]
        docs.append(corrected(f"hymn{n}", HYMN, machine, "Ann Smith"))
    assert learn(load_rules(), Workbench(docs), sorted(d.doc_id for d in docs)).changes == changes


@pytest.mark.model
def test_a_verb_in_a_relative_clause_of_the_speaker_is_no_cue() -> None:
    text = 'The depot will close.\n\n"We were never asked," wrote a driver who runs the union branch.\n'
    doc = load_parser()(text)
    start, end = text.index("We"), text.index(",\"")
    at = text.index("a driver")
    verbs = [t.lemma_ for t, _ in _verbs_beside(doc, start, end, "a driver", (at, len(text) - 2))]
    assert "run" not in verbs


# -- the learning curve

def test_the_curve_holds_out_every_kth_document_spread_over_the_corpus() -> None:
    from quotes.learning.curve import split
    pool, held = split([f"d{i:02d}" for i in range(10, 0, -1)], 3)
    assert held == ["d03", "d06", "d09"]
    assert pool == ["d01", "d02", "d04", "d05", "d07", "d08", "d10"]


NEWS = ('The {place} council met on Monday.\n\n"{said}," {name} intoned.\n')
PEOPLE = [("Jo Park", "Dunmore"), ("Ann Smith", "Eastfield"), ("Raj Patel", "Hillford"), ("Li Wong", "Marston"),
          ("Eve Dunn", "Northby"), ("Tom Reed", "Oakham")]


@pytest.mark.model
def test_the_curve_shows_what_more_corrected_documents_buy(tmp_path: Path, capsys) -> None:
    """A verb the rules do not know introduces every speaker: one document is not evidence enough
    (`min_cue_documents`), two are, and the held-out documents then get their speakers."""
    gold = []
    for n, (name, place) in enumerate(PEOPLE):
        text = NEWS.format(place=place, said=f"The {place} budget is a mess", name=name)
        (tmp_path / f"d{n}.txt").write_text(text, encoding="utf-8")
        start = text.index('"') + 1
        end = text.index('"', start)
        at = text.index(name)
        gold.append({"doc_id": f"d{n}", "start": start, "end": end, "text": text[start:end], "type": "direct",
                     "speaker": name, "speaker_mention": name, "mention_start": at, "mention_end": at + len(name)})
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    code = main(["learn", str(tmp_path / "gold.jsonl"), "--texts", str(tmp_path), "--curve", "--curve-sizes", "1,2",
                 "--held-out-every", "3"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    rows = {int(line.split()[0]): line.split() for line in stdout.splitlines()[3:]}
    assert sorted(rows) == [0, 1, 2, 4]  # the current rules, 1, 2 and all 4 learnable documents
    speaker = 3  # documents, changes, quote F1, speaker accuracy, ...
    assert rows[1][1] == "0" and float(rows[1][speaker]) == float(rows[0][speaker])
    assert int(rows[2][1]) > 0 and float(rows[2][speaker]) > float(rows[0][speaker])
    assert float(rows[4][speaker]) == 1.0


def test_the_curve_writes_no_rules(tmp_path: Path, capsys) -> None:
    code = main(["learn", str(tmp_path / "gold.jsonl"), "--curve", "-o", str(tmp_path / "r.yaml")])
    assert code != 0
    assert "--curve writes no rules" in capsys.readouterr().err
    assert not (tmp_path / "r.yaml").exists()


# -- stance-only corrections: `--only stance`

GRIPES = ['The {place} council met on Monday.\n\n"The new bus timetable is dreadful and sloppy," {name} said.\n',
          'The {place} library reopened.\n\n"The opening hours are dreadful," {name} said. "Sloppy work."\n']


@pytest.mark.model
def test_stance_only_corrections_teach_stance_and_nothing_about_speakers(tmp_path: Path, capsys) -> None:
    """Rows with offsets and a stance label, no speaker: the speakers' figures have nothing to measure and
    no part of the rules but stance changes."""
    gold = []
    for n, (name, place) in enumerate(PEOPLE):
        text = GRIPES[n % 2].format(place=place, name=name)
        (tmp_path / f"d{n}.txt").write_text(text, encoding="utf-8")
        start = text.index('"') + 1
        end = text.index('"', start)
        gold.append({"doc_id": f"d{n}", "start": start, "end": end, "text": text[start:end], "stance": "critical"})
    (tmp_path / "stance.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    out = tmp_path / "rules.yaml"
    code = main(["learn", str(tmp_path / "stance.jsonl"), "--texts", str(tmp_path), "--only", "stance", "-o", str(out),
                 "--force"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert "  speaker accuracy             -       -   (nothing to measure in these corrections)" in stdout
    old, new = load_rules(), load_rules(out)
    assert new.stance.cues != old.stance.cues or new.data["stance"] != old.data["stance"]
    assert {k: v for k, v in new.data.items() if k not in ("stance", "version", "provenance")} == \
        {k: v for k, v in old.data.items() if k not in ("stance", "version", "provenance")}
    assert new.data["provenance"][-1]["learned"] == ["stance"]


def test_only_names_parts_of_the_rules(tmp_path: Path, capsys) -> None:
    code = main(["learn", str(tmp_path / "x.jsonl"), "--only", "stance,speakers", "-o", str(tmp_path / "r.yaml")])
    assert code != 0
    assert "--only stance,speakers: give one or more of aliases, cues, ranking, stance, stance-head" in capsys.readouterr().err
