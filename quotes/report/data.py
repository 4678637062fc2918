"""The quote table summarised for the report: who is quoted, how often, with what stance (pure: plain
structures and DataFrames in, the same out; no files, no HTML)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

# the default labels in the order a reader scans them, hostile to neutral; labels of other rules follow
STANCE_ORDER = ("hostile", "critical", "concerned", "reassuring", "supportive", "neutral")
KIND_ORDER = ("person", "organisation", "group", "unnamed", "none")
NO_SPEAKER = "(no speaker)"


def stance_labels(frame: pd.DataFrame) -> list[str]:
    """The stance labels of the table, the default ones first in their order, any other after them by name."""
    present = set(frame["stance"]) if len(frame) else set()
    return [s for s in STANCE_ORDER if s in present] + sorted(present - set(STANCE_ORDER))


def speaker_names(frame: pd.DataFrame) -> pd.Series:
    return frame["speaker"].where(frame["speaker"] != "", NO_SPEAKER)


def kind_names(frame: pd.DataFrame) -> pd.Series:
    """`none` for a quote with no speaker; `unknown` for a speaker the table gives no kind (an older table)."""
    missing = frame["speaker"].map(lambda s: "unknown" if s else "none")
    return frame["speaker_kind"].where(frame["speaker_kind"] != "", missing)


def ranked_speakers(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """Named speakers by quote count, most quoted first; ties by name, so the order is the same every run."""
    counts = Counter(s for s in frame["speaker"] if s)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def others_label(n: int, noun: str = "speaker") -> str:
    return f"others ({n} {noun}{'s' if n != 1 else ''})"


def speaker_stances(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """Quotes per speaker and stance for the main chart: the `top` most quoted speakers, the rest summed as one
    "others (N speakers)" bar, then the quotes with no speaker. Columns: speaker, stance, quotes, rank
    (the bar's place, 0 first), stance_rank (its place in the stack)."""
    ranked = ranked_speakers(frame)
    kept = {name: rank for rank, (name, _) in enumerate(ranked[:top])}
    rest = len(ranked) - len(kept)
    bar = speaker_names(frame).map(lambda s: s if s in kept or s == NO_SPEAKER else others_label(rest))
    counts = (pd.DataFrame({"speaker": bar, "stance": frame["stance"]})
              .groupby(["speaker", "stance"], sort=False).size().rename("quotes").reset_index())
    last = len(kept)
    counts["rank"] = counts["speaker"].map(lambda s: kept.get(s, last if s != NO_SPEAKER else last + 1))
    order = {label: i for i, label in enumerate(stance_labels(frame))}
    counts["stance_rank"] = counts["stance"].map(order)
    return counts.sort_values(["rank", "stance_rank"], kind="stable").reset_index(drop=True)


@dataclass
class Speaker:
    """One row of the speaker table."""

    name: str  # as in the table, NO_SPEAKER for the quotes without one
    kind: str  # the kind most of its quotes give it
    quotes: int
    stances: dict[str, int]  # label -> quotes, in the labels' order
    first: tuple[str, str]  # (doc_id, quote_id) of its first quote, for a link
    documents: list[tuple[str, int]] = field(default_factory=list)  # (doc_id, quotes there), in table order


def speaker_rows(frame: pd.DataFrame) -> list[Speaker]:
    """Every speaker, most quoted first (the quotes without a speaker last), with their stances and documents."""
    labels = stance_labels(frame)
    rows: dict[str, Speaker] = {}
    kinds: dict[str, Counter] = {}
    docs: dict[str, Counter] = {}
    for name, kind, stance, doc_id, quote_id in zip(speaker_names(frame), kind_names(frame), frame["stance"],
                                                     frame["doc_id"], frame["quote_id"]):
        row = rows.get(name)
        if row is None:
            row = rows[name] = Speaker(name, kind, 0, dict.fromkeys(labels, 0), (doc_id, quote_id))
            kinds[name], docs[name] = Counter(), Counter()
        row.quotes += 1
        row.stances[stance] += 1
        kinds[name][kind] += 1
        docs[name][doc_id] += 1  # a Counter keeps the order in which documents first came
    for name, row in rows.items():
        row.kind = kinds[name].most_common(1)[0][0]
        row.stances = {label: n for label, n in row.stances.items() if n}
        row.documents = list(docs[name].items())
    return sorted(rows.values(), key=lambda r: (r.name == NO_SPEAKER, -r.quotes, r.name))


def kind_counts(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """Quotes per speaker kind, every kind listed (a zero says something too); kinds of other rules follow."""
    counts = Counter(kind_names(frame))
    return [(k, counts.get(k, 0)) for k in KIND_ORDER] + sorted((k, n) for k, n in counts.items()
                                                               if k not in KIND_ORDER)


def stance_counts(frame: pd.DataFrame) -> list[tuple[str, int]]:
    counts = Counter(frame["stance"])
    return [(label, counts[label]) for label in stance_labels(frame)]


def to_check(frame: pd.DataFrame) -> pd.DataFrame:
    """The quotes a reader should look at first: unnamed sources and quotes with no speaker."""
    return frame[kind_names(frame).isin(("unnamed", "none"))]


GENDER_ORDER = ("female", "male", "unknown")
EVIDENCE_ORDER = ("article", "registry", "name", "none")


def person_genders(frame: pd.DataFrame) -> pd.Series:
    """The gender of each quote whose speaker is a person (`unknown` where the table says none, or is older
    than the column), indexed like the frame."""
    persons = frame[kind_names(frame) == "person"]
    return persons["speaker_gender"].where(persons["speaker_gender"].isin(GENDER_ORDER[:2]), "unknown")


def gender_rows(frame: pd.DataFrame) -> list[tuple[str, int, dict[str, int]]]:
    """(gender, person quotes, quotes per evidence) for each gender: what a researcher counting women quoted
    reads off the table, with how much of it the article itself says."""
    genders = person_genders(frame)
    evidence = frame.loc[genders.index, "speaker_gender_evidence"].where(
        frame.loc[genders.index, "speaker_gender_evidence"] != "", "none")
    out = []
    for g in GENDER_ORDER:
        ev = Counter(evidence[genders == g])
        out.append((g, int((genders == g).sum()), {e: ev[e] for e in EVIDENCE_ORDER if ev[e]}))
    return out


def gender_by(frame: pd.DataFrame, groups: pd.Series, column: str) -> pd.DataFrame:
    """Person quotes per group (an outlet, a period) and gender: columns `column`, gender, quotes, total,
    gender_rank; groups with no value left out."""
    genders = person_genders(frame)
    keys = groups.reindex(genders.index)
    known = keys.notna() & (keys.astype(str) != "")
    counts = (pd.DataFrame({column: keys[known].astype(str), "gender": genders[known]})
              .groupby([column, "gender"]).size().rename("quotes").reset_index())
    counts["total"] = counts.groupby(column)["quotes"].transform("sum")
    counts["gender_rank"] = counts["gender"].map({g: i for i, g in enumerate(GENDER_ORDER)})
    return counts.sort_values([column, "gender_rank"]).reset_index(drop=True)
