"""Training examples: JSONL reading, validation and the errors the Odoo side can show.

A line is ``{"text": ..., "intent": ..., "lang": optional}``. An intent of ``null`` or
``"__oos__"`` (``OOS_LABEL``) marks an out-of-scope example: never an intent the model
answers with; the scorer's classifiers learn it as one extra class (its probability is a
feature) and it is a negative when the "I don't know" threshold is tuned.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..base import PymeAiError
from .lang import LANGUAGES

OOS_LABEL = "__oos__"
MIN_INTENTS = 2
MIN_VARIANTS = 3


class ChatDataError(PymeAiError):
    """Training or query data that cannot be used."""


class EmptyTrainingDataError(ChatDataError):
    """No usable (text, intent) pair."""


class TooFewIntentsError(ChatDataError):
    """Fewer than ``MIN_INTENTS`` distinct intents."""


class TooFewVariantsError(ChatDataError):
    """Some intent has fewer than ``MIN_VARIANTS`` question variants."""

    def __init__(self, message, intents=()):
        super().__init__(message)
        self.intents = dict(intents)


def is_oos(intent):
    """True for the labels that mean "out of scope"."""
    return intent is None or (isinstance(intent, str) and intent.strip() == OOS_LABEL)


@dataclass
class Examples:
    """Validated training data: in-scope pairs plus optional out-of-scope texts."""

    texts: list
    intents: list
    langs: list  # "es", "en" or None (detected later)
    oos_texts: list = field(default_factory=list)


def split_example(item, index=1):
    """``(text, intent, lang)`` of one example (a dict or a 2-3 tuple); ``index``
    numbers it in error messages."""
    if isinstance(item, dict):
        if "text" not in item:
            raise ChatDataError(f"example {index}: missing 'text'")
        return item.get("text"), item.get("intent"), item.get("lang")
    if isinstance(item, (list, tuple)) and 2 <= len(item) <= 3:
        return (*item, None) if len(item) == 2 else tuple(item)
    raise ChatDataError(
        f"example {index}: expected a dict with 'text' and 'intent' or a "
        f"(text, intent, lang) tuple, got {type(item).__name__}"
    )


def prepare_examples(examples):
    """Validate ``examples`` (dicts or tuples) into ``Examples``, or raise a specific
    ``ChatDataError``."""
    if examples is None:
        raise EmptyTrainingDataError("no training examples given")
    texts, intents, langs, oos = [], [], [], []
    for index, item in enumerate(examples, 1):
        text, intent, lang = split_example(item, index)
        if not isinstance(text, str):
            raise ChatDataError(f"example {index}: 'text' must be a string")
        if not text.strip():
            continue
        if is_oos(intent):
            oos.append(text)
            continue
        if not isinstance(intent, (str, int)) or isinstance(intent, bool):
            raise ChatDataError(f"example {index}: 'intent' must be a string or null")
        intent = str(intent).strip()
        if lang is not None and lang not in LANGUAGES:
            raise ChatDataError(
                f"example {index}: 'lang' must be one of {', '.join(LANGUAGES)} "
                "or absent"
            )
        texts.append(text)
        intents.append(intent)
        langs.append(lang)
    if not texts:
        raise EmptyTrainingDataError(
            "no in-scope training examples: give question variants with their intent"
        )
    counts = Counter(intents)
    if len(counts) < MIN_INTENTS:
        raise TooFewIntentsError(
            f"at least {MIN_INTENTS} different intents are needed to train, got "
            f"{len(counts)} ({', '.join(sorted(counts))})"
        )
    few = {name: n for name, n in sorted(counts.items()) if n < MIN_VARIANTS}
    if few:
        listed = ", ".join(f"{name!r} ({n})" for name, n in few.items())
        raise TooFewVariantsError(
            f"every intent needs at least {MIN_VARIANTS} question variants; "
            f"too few for: {listed}",
            few,
        )
    return Examples(texts, intents, langs, oos)


def read_jsonl(path, *, require=("text",)):
    """Objects from a JSONL file; blank lines are skipped.

    Raises ``ChatDataError`` naming the line for invalid JSON, a non-object line or a
    missing required key.
    """
    rows = []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ChatDataError(
                    f"{path}: line {number}: invalid JSON ({exc.msg})"
                ) from None
            if not isinstance(obj, dict):
                raise ChatDataError(f"{path}: line {number}: expected a JSON object")
            for key in require:
                if key not in obj:
                    raise ChatDataError(f"{path}: line {number}: missing '{key}'")
            if "text" in obj and not isinstance(obj["text"], str):
                raise ChatDataError(f"{path}: line {number}: 'text' must be a string")
            rows.append(obj)
    return rows
