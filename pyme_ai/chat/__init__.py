"""FAQ / intent chat engine: answers in-scope questions, says "I don't know" otherwise.

Public API (what the Odoo adapter calls)::

    result = evaluate(examples, random_state=0)   # -> pyme_ai.training.TrainingResult
    model = result.model                          # a fitted ChatModel
    model.answer("¿abren el domingo?")            # {"intent", "confidence", "lang"}
    model.predict(texts)                          # one such dict per text
    search_terms("¿Cuánto cuesta la mesa?")       # ["mesa"]: product look-ups
"""

from .data import (
    OOS_LABEL,
    ChatDataError,
    EmptyTrainingDataError,
    TooFewIntentsError,
    TooFewVariantsError,
    read_jsonl,
)
from .lang import LANG_MIN_CONFIDENCE, LANGUAGES, detect_language
from .model import ChatModel, answer_metrics, choose_threshold, evaluate
from .text import fold, normalize, search_terms, singulars, stem
