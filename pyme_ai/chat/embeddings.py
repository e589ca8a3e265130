"""Static word-piece embeddings shipped inside the ``wordllama`` wheel (offline).

WordLlama (PyPI ``wordllama``, MIT) packages a 32,000 x 256 token-embedding table
(``weights/l2_supercat_256.safetensors``, distilled from Llama 2 token embeddings)
and its tokenizer (``tokenizers/l2_supercat_tokenizer_config.json``) in the wheel
itself. A text's vector is the L2-normalised mean of its tokens' rows: one tokenizer
call and a table look-up, well under a millisecond. We read the two files directly
(the tokenizer with Hugging Face ``tokenizers``, the table with numpy: a safetensors
file is an 8-byte header length, a JSON header and the raw array), so nothing is ever
downloaded: the package's own loader looks for its tokenizer in a folder the wheel
does not have and then tries the network.

Texts are prepared like ``text.normalize`` does (lowercase, no accents, no punctuation:
Spanish visitors write accents inconsistently), except that only runs of three or more
of the same letter are collapsed ("holaaa" -> "hola", but "account" stays: the
tokenizer knows "account", not "acount").

Measured on the bench's few-shot draws (5 variants per intent; see ``bench/chat.py``):
top-1 accuracy of a logistic regression on these vectors 0.675 (BANKING77, English) and
0.722 (Schuster, Spanish) against 0.590 / 0.656 for the TF-IDF classifier alone.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import numpy as np

from .text import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")
_LONG_REPEATS = re.compile(r"([a-z])\1\1+")
_SPLIT_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

DIM = 256
_PACKAGE = "wordllama"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_TENSOR = "embedding.weight"


class EmbeddingsUnavailable(RuntimeError):
    """The ``wordllama`` wheel (or ``tokenizers``) is not installed."""


def read_safetensors(raw, name):
    """One tensor of a safetensors file's bytes, as a float32 numpy array."""
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    info = header[name]
    dtypes = {"F16": np.float16, "F32": np.float32, "BF16": None}
    dtype = dtypes.get(info["dtype"])
    if dtype is None:
        raise EmbeddingsUnavailable(f"unsupported tensor type {info['dtype']}")
    start, stop = info["data_offsets"]
    data = np.frombuffer(raw[8 + size + start : 8 + size + stop], dtype=dtype)
    return data.reshape(info["shape"]).astype(np.float32)


@lru_cache(maxsize=1)
def _load():
    try:
        from tokenizers import Tokenizer

        base = resources.files(_PACKAGE)
        tokenizer = Tokenizer.from_str(base.joinpath(*_TOKENIZER).read_text("utf-8"))
        table = read_safetensors(base.joinpath(*_WEIGHTS).read_bytes(), _TENSOR)
    except (ImportError, ModuleNotFoundError, FileNotFoundError, KeyError) as exc:
        raise EmbeddingsUnavailable(
            "static embeddings need the 'wordllama' package (pip install wordllama)"
        ) from exc
    return tokenizer, np.ascontiguousarray(table)


def available():
    """True when the embedding table and tokenizer can be loaded."""
    try:
        _load()
    except EmbeddingsUnavailable:
        return False
    return True


def prepare(text):
    """Text as embedded: "¡Holaaa! ¿Abrís a las 8h?" -> "hola abris a las 8 h"."""
    text = _NON_WORD.sub(" ", fold(text))
    text = _SPLIT_DIGITS.sub(" ", _LONG_REPEATS.sub(r"\1", text))
    return " ".join(text.split())


def embed(texts):
    """``(len(texts), DIM)`` float64 unit vectors (zeros for a text without tokens)."""
    tokenizer, table = _load()
    texts = [prepare(t) for t in texts]
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float64)
    if len(texts) == 1:
        encodings = [tokenizer.encode(texts[0], add_special_tokens=False)]
    else:
        encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
    for i, enc in enumerate(encodings):
        if enc.ids:
            out[i] = table[enc.ids].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)
