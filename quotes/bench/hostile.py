"""Generated hostile documents: the same text for the same arguments, for `quotes bench --stress` and the
tests.

`PATHOLOGICAL` makes documents of a given length whose cost used to grow faster
than their length (unbalanced marks, deep nesting, one endless paragraph, a
speaker that is one endless word or a name of thousands of words, ...);
`hostile_document` draws one short document of any kind a careless corpus holds
(random unicode, marks only, NULs, BOMs, CR line ends, ...); `hostile_files`
makes the files of a hostile corpus, as bytes: every shape above at full size,
every Unicode line break, mixed encodings, binary, RTL and zero-width marks.
"""
from __future__ import annotations

import random
from typing import Callable

MARKS = ['"', "“", "”", "'", "‘", "’", "«", "»", "‹", "›", "„", "``", "''", "`"]
WORDS = ["the", "plan", "said", "Park", "we", "will", "win", "vote", "Smith", "told", "reporters", "it's",
         "Smith's", "’90s", "rock 'n' roll", "the players' union"]
SENTENCE = '"We will win the vote in the spring," Jo Park said on Monday. '
NAMES = ["Jo Park", "Ann Smith", "Tom Reed", "the spokesman", "she", "he", "officials"]


def _fill(n: int, piece: Callable[[], str]) -> str:
    out, size = [], 0
    while size < n:
        p = piece()
        out.append(p)
        size += len(p)
    return "".join(out)[:n]


def unbalanced_marks(n: int, seed: int = 0) -> str:
    """Words with a quote mark glued to one side, never balanced, in one paragraph."""
    rng = random.Random(seed)
    return _fill(n, lambda: (rng.choice(MARKS) + rng.choice(WORDS) if rng.random() < 0.5
                             else rng.choice(WORDS) + rng.choice(MARKS)) + " ")


def nested_quotes(n: int, seed: int = 0) -> str:
    """Quotes opened inside quotes, thousands deep, then closed."""
    depth = n // 6
    return ("“a ‘b " * (depth // 2) + "c’ d” " * (depth // 2))[:n]


def marks_only(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return _fill(n, lambda: rng.choice(MARKS) + rng.choice(["", " ", "  "]))


def one_paragraph(n: int, seed: int = 0) -> str:
    """News prose with quotes and cues and no line break at all."""
    rng = random.Random(seed)
    return _fill(n, lambda: f'"We will win the vote," {rng.choice(NAMES)} said. The harbor '
                            f'{rng.choice(["closes", "opens", "waits"])} on Monday. ')


def many_paragraphs(n: int, seed: int = 0) -> str:
    """Thousands of one-line paragraphs, each a quote."""
    rng = random.Random(seed)
    return _fill(n, lambda: f'"We will win," {rng.choice(NAMES)} said.\n')


def unclosed_paragraphs(n: int, seed: int = 0) -> str:
    """Every paragraph reopens a quote never closed: one news-style quote as long as the text."""
    return _fill(n, lambda: "“We will win the vote in the spring and we will keep the harbor open.\n")


def hard_wrapped(n: int, seed: int = 0) -> str:
    """Prose with quotes, wrapped at 72 columns, paragraphs apart by blank lines."""
    rng = random.Random(seed)
    words = _fill(n, lambda: rng.choice([SENTENCE, "The harbor closes on Monday. ", "Nobody knew why. "])).split(" ")
    lines, line, out = [], "", []
    for word in words:
        if len(line) + 1 + len(word) > 72:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
        if len(lines) == 8:
            out.append("\n".join(lines))
            lines = []
    out.append("\n".join(lines + [line]))
    return "\n\n".join(out)[:n]


FIRST_NAMES = ["Jo", "Ann", "Tom", "Lee", "Mary", "Omar", "Ines", "Raj"]
SURNAMES = ["Park", "Smith", "Reed", "Quinlan", "Okafor", "Delacroix", "Nakamura", "Brandt"]


def long_token(n: int, seed: int = 0) -> str:
    """A quote whose speaker is one capitalised word as long as the document: `“hello,” Zzz...z said.`"""
    return "“hello,” Z" + "z" * max(n - 17, 1) + " said."


def long_name(n: int, seed: int = 0) -> str:
    """A quote whose speaker is a name of thousands of capitalised words: `“We will win,” said Jo Park Ann ...`"""
    rng = random.Random(seed)
    name = _fill(max(n - 22, 1), lambda: rng.choice(FIRST_NAMES + SURNAMES) + " ").strip()
    return f"“We will win,” said {name}."


PATHOLOGICAL: dict[str, Callable[[int, int], str]] = {
    "unbalanced marks": unbalanced_marks,
    "nested quotes": nested_quotes,
    "marks only": marks_only,
    "one paragraph": one_paragraph,
    "many paragraphs": many_paragraphs,
    "unclosed quotes": unclosed_paragraphs,
    "hard-wrapped": hard_wrapped,
    "long token": long_token,
    "long name": long_name,
}

# every line break Unicode and Python's str.splitlines know, CRLF included
LINE_BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# right-to-left text and marks, and the zero-width characters that hide in pasted text
RTL_AND_INVISIBLE = ["\u200f", "\u200e", "\u202b", "\u202e", "\u202c", "\u2067", "\u2069", "\u061c",
                     "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def hostile_files(seed: int = 0, scale: float = 1.0) -> dict[str, bytes]:
    """The files of a hostile corpus (name -> bytes): each shape that has cost this project, or could.

    `scale` shrinks the large ones (1.0: tokens of 100,000 and 1,000,000 characters, a 5 MB paragraph, 50,000
    paragraphs, quotes nested 10,000 deep, a name of 10,000 words), for quick runs.
    """
    rng = random.Random(seed)
    size = lambda n: max(int(n * scale), 64)  # noqa: E731
    utf8 = lambda text: text.encode("utf-8")  # noqa: E731
    quote = SENTENCE.strip()
    files = {
        "long-token-100k.txt": utf8(long_token(size(100_000))),
        "long-token-1m.txt": utf8(long_token(size(1_000_000))),
        "paragraph-5mb.txt": utf8(one_paragraph(size(5_000_000), rng.randrange(10**6))),
        "paragraphs-50k.txt": utf8("".join(f'"We will win," {rng.choice(NAMES)} said.\n'
                                           for _ in range(size(50_000)))),
        "nested-10k.txt": utf8("“a ‘b " * size(5_000) + "c’ d” " * size(5_000)),
        "name-10k-words.txt": utf8("“We will win,” said " + " ".join(rng.choice(FIRST_NAMES + SURNAMES)
                                                                     for _ in range(size(10_000))) + "."),
        "line-breaks.txt": utf8("".join(quote + brk + "The harbor closes." + brk for brk in LINE_BREAKS * 3)),
        "rtl-zero-width.txt": utf8("".join(f"{rng.choice(RTL_AND_INVISIBLE)}{word}" for word in
                                           ("قال", "“سنفوز", "بالتصويت،”", "שלום", "“We", "will", "win,”",
                                            "Jo", "Park", "said.", "‮reversed‬")) + "\n" + quote),
        "nul-bytes.txt": utf8(quote.replace(" ", " \x00", 4) + "\x00" * 1000 + quote),
        "latin-1.txt": ("«Nous gagnerons», a dit Jo Park. Café, naïve, façade.\n" + quote).encode("latin-1"),
        "cp1252.txt": ("“We will win,” said Jo Park — and “nobody” knew.\n").encode("cp1252"),
        "utf-16.txt": ("\ufeff" + quote + "\n“Nobody will lose a job,” she added.").encode("utf-16"),
        "mixed-encodings.txt": utf8(quote + "\n") + "«Café», a dit Lee.\n".encode("latin-1") + utf8(quote),
        "binary.txt": bytes(rng.randrange(256) for _ in range(size(20_000))),
        "png-as-text.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2_000)),
        "empty.txt": b"",
    }
    return files


def hostile_document(rng: random.Random) -> str:
    """One short document of a randomly drawn hostile kind."""
    kind = rng.randrange(10)
    n = rng.randint(0, 400)
    if kind == 0:  # random unicode, surrogates and controls excluded (they cannot be UTF-8 text)
        return "".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0xd7ff), rng.randint(0xe000, 0x10ffff)]))
                       for _ in range(n))
    if kind == 1:
        return marks_only(n, rng.randrange(10**6))
    if kind == 2:
        return unbalanced_marks(n, rng.randrange(10**6))
    if kind == 3:
        return nested_quotes(max(n, 12))
    if kind == 4:  # NULs and control characters among the words
        return "".join(rng.choice(WORDS + MARKS + ["\x00", "\x01", "\x1b", "\x7f", "\ufeff", "\ufffd"]) + " "
                       for _ in range(n // 4))
    if kind == 5:  # CR, CRLF and Unicode line ends
        return "".join(rng.choice([SENTENCE, "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c"]) for _ in range(n // 20))
    if kind == 6:  # a byte-order mark and zero-width characters in the middle of quotes
        return "\ufeff" + SENTENCE.replace(" ", "\u200b ") + "\ufeff" + SENTENCE
    if kind == 7:
        return hard_wrapped(max(n, 80), rng.randrange(10**6))
    if kind == 8:  # only whitespace, or nothing
        return rng.choice(["", " ", "\n\n\n", "\t \r\n", "\u3000"])
    return "".join(rng.choice(WORDS + MARKS + [" ", "\n", "\n\n", " - ", "–", "—", ":", ".", ","]) for _ in range(n // 3))
