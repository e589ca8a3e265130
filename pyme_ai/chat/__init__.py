"""FAQ / intent chat engine: answers in-scope questions, says "I don't know" otherwise.

Public API (what the Odoo adapter calls)::

    result = train(examples, random_state=0)      # -> pyme_ai.training.TrainingResult
    model = result.model                          # ChatModel
    model.answer("¿abren el domingo?")            # {"intent", "confidence", "lang"}
    model.answer_batch(texts)
"""

from .data import (
    OOS_LABEL,
    ChatDataError,
    EmptyTrainingDataError,
    TooFewIntentsError,
    TooFewVariantsError,
    read_jsonl,
)
from .lang import detect_language
from .model import ChatModel, choose_threshold, train
from .text import normalize, stem
