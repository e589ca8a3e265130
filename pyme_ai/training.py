"""What every capability's training returns, and the rule for replacing an active
model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


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
