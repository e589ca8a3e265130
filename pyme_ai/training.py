"""What every capability's training returns, and the rule for replacing an active
model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def json_safe(value):
    """``value`` with numpy scalars made plain and non-finite floats made None.

    Metrics and reports are stored as JSON (PostgreSQL jsonb has no NaN).
    """
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


@dataclass
class TrainingResult:
    """A trained model with its holdout evaluation.

    ``metrics`` is a flat JSON-serialisable dict; ``primary_metric`` names the entry
    used to compare two models of the same kind (``higher_is_better`` tells which
    way). ``report`` holds any further JSON-serialisable detail (baselines, per-method
    tables).
    """

    model: object
    metrics: dict
    primary_metric: str
    higher_is_better: bool = True
    n_rows: int = 0
    report: dict = field(default_factory=dict)

    def __post_init__(self):
        self.metrics = json_safe(self.metrics)
        self.report = json_safe(self.report)

    @property
    def score(self):
        return self.metrics.get(self.primary_metric)


def is_worse(new_value, old_value, margin, higher_is_better=True):
    """True when ``new_value`` is worse than ``old_value`` by more than ``margin``
    (absolute).

    Unknown values (None/nan) on either side never block a replacement.
    """
    if new_value is None or old_value is None:
        return False
    if math.isnan(new_value) or math.isnan(old_value):
        return False
    delta = (old_value - new_value) if higher_is_better else (new_value - old_value)
    return delta > margin
