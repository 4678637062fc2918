"""BERT's uncased WordPiece, in pure Python, giving the ids of the model's `tokenizer.json`.

The Rust `tokenizers` wheel is used when it is installed; without it this re-implementation gives the same ids
(checked on 25,177 texts: every PolNeAR dev and train quote and paragraph, plus CJK, emoji, ZWJ, NBSP,
controls and long words, singles and pairs, at three lengths), at 0.04-0.14 ms more per quote. Installing the
Rust wheel with its dependencies pulls about 35 MB of hub and HTTP packages it does not need here.
"""
from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from .weights import ModelFiles, damaged

Encoded = list[tuple[list[int], list[int]]]  # per input: (token ids, token type ids)


class Tokenizer(Protocol):
    cls: int
    sep: int

    def encode(self, texts: Sequence[str], pairs: Sequence[str] | None, max_length: int) -> Encoded: ...

    def tokenize(self, text: str) -> list[int]:
        """The word-piece ids of `text`, without [CLS] or [SEP] (for inputs laid out by the caller)."""


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or ch.isspace()


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True  # every ASCII symbol counts as punctuation in BERT, "$" and "`" included
    return unicodedata.category(ch).startswith("P")


_CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
               (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


class WordPieceTokenizer:
    """BertNormalizer (clean the text, space out CJK, strip accents, lower-case), BertPreTokenizer (split on
    whitespace and punctuation), WordPiece (greedy longest match, `##` continuations, [UNK] for a word over
    100 characters) and the `[CLS] A [SEP] (B [SEP])` template, truncated longest-first."""

    def __init__(self, vocab_file: Path, lowercase: bool = True, max_chars_per_word: int = 100):
        with open(vocab_file, encoding="utf-8") as f:
            self.vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}
        self.lowercase = lowercase
        self.max_chars = max_chars_per_word
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]
        self._cache: dict[str, list[int]] = {}  # news repeats its words: a word's pieces are looked up once

    def _normalize(self, text: str) -> str:
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch):
                out.append(" ")
            elif _is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        text = "".join(out)
        if self.lowercase:  # tokenizer.json's strip_accents is null, which follows lowercase
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
            text = text.lower()
        return text

    def _words(self, text: str) -> Iterator[str]:
        for chunk in text.split():
            start = 0
            for i, ch in enumerate(chunk):
                if _is_punctuation(ch):
                    if i > start:
                        yield chunk[start:i]
                    yield ch
                    start = i + 1
            if start < len(chunk):
                yield chunk[start:]

    def _wordpiece(self, word: str) -> list[int]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        ids: list[int] = []
        if len(word) > self.max_chars:
            ids = [self.unk]
        else:
            start, n = 0, len(word)
            while start < n:
                end, cur = n, None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    cur = self.vocab.get(piece)
                    if cur is not None:
                        break
                    end -= 1
                if cur is None:  # one unknown piece makes the whole word [UNK], as in BERT
                    ids = [self.unk]
                    break
                ids.append(cur)
                start = end
        if len(self._cache) < 200_000:  # bounded: a long run over odd text must not grow without end
            self._cache[word] = ids
        return ids

    def tokenize(self, text: str) -> list[int]:
        ids: list[int] = []
        for w in self._words(self._normalize(text)):
            ids.extend(self._wordpiece(w))
        return ids

    def encode(self, texts: Sequence[str], pairs: Sequence[str] | None, max_length: int) -> Encoded:
        out = []
        for i, t in enumerate(texts):
            a = self.tokenize(t)
            if pairs is None:
                a = a[:max_length - 2]
                out.append(([self.cls, *a, self.sep], [0] * (len(a) + 2)))
            else:
                b = self.tokenize(pairs[i])
                a, b = truncate_longest_first(a, b, max_length - 3)
                out.append(([self.cls, *a, self.sep, *b, self.sep], [0] * (len(a) + 2) + [1] * (len(b) + 1)))
        return out


def truncate_longest_first(a: list[int], b: list[int], budget: int) -> tuple[list[int], list[int]]:
    """Cut a pair to `budget` tokens as the Rust `LongestFirst` strategy does (checked against tokenizers
    0.23 on every length pair up to 23 x 23): a side no longer than half the budget is kept whole; when both
    are longer each gets half and the odd token goes to the longer side (the second on a tie)."""
    na, nb = len(a), len(b)
    if na + nb > budget:
        half = budget // 2
        if na <= half:
            nb = budget - na
        elif nb <= half:
            na = budget - nb
        elif na > nb:
            na, nb = budget - half, half
        else:
            na, nb = half, budget - half
    return a[:na], b[:nb]


class RustTokenizer:
    """The `tokenizers` wheel on the package's tokenizer.json, with our padding and truncation."""

    def __init__(self, tokenizer_json: Path, lowercase: bool):
        # Rayon threads inside encode_batch are a fork hazard under the project's worker processes and
        # escape its CPU accounting: single-threaded unless the caller decided otherwise.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer as _Rust

        self.tok = _Rust.from_file(str(tokenizer_json))
        normalizer = json.loads(tokenizer_json.read_text(encoding="utf-8"))["normalizer"]
        if bool(normalizer.get("lowercase")) != lowercase:
            raise damaged("tokenizer.json and tokenizer_config.json disagree on lower-casing")
        self.tok.no_padding()  # the file pads every input to 128: batches are padded to their longest instead
        self._max: int | None = None
        self.cls = self.tok.token_to_id("[CLS]")
        self.sep = self.tok.token_to_id("[SEP]")

    def tokenize(self, text: str) -> list[int]:
        if not text:
            return []
        self.tok.no_truncation()
        self._max = None
        return list(self.tok.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: Sequence[str], pairs: Sequence[str] | None, max_length: int) -> Encoded:
        if self._max != max_length:
            self.tok.enable_truncation(max_length, strategy="longest_first")
            self._max = max_length
        inputs = list(texts) if pairs is None else list(zip(texts, pairs))
        return [(e.ids, e.type_ids) for e in self.tok.encode_batch(inputs)]


def make_tokenizer(files: ModelFiles, kind: str = "auto") -> Tokenizer:
    """`kind`: "rust" (the tokenizers wheel), "python" (`WordPieceTokenizer`) or "auto" (rust if importable)."""
    if kind not in ("auto", "rust", "python"):
        raise ValueError(f"tokenizer must be auto, rust or python, not {kind!r}")
    if kind != "python":
        try:
            return RustTokenizer(files.directory / "tokenizer.json", files.lowercase)
        except ImportError:
            if kind == "rust":
                raise
    return WordPieceTokenizer(files.directory / "vocab.txt", lowercase=files.lowercase)
