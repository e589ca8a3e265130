"""Deals at risk: usual time per stage learnt from history, then per-deal flags.

:class:`DealRiskModel` is the estimator (kind ``deal_risk``): ``fit`` learns the usual
time per stage and the best time to contact (:mod:`.contact_time`), ``predict`` flags
open deals; :func:`evaluate` wraps it in a ``TrainingResult``. The functions
:func:`learn_stage_durations` and :func:`deals_at_risk` are its two steps.

Rules (each adds one reason; a deal is at risk when it has any reason):

===================  ==========================================================
code                 fires when
===================  ==========================================================
``stuck``            days in the current stage > the stage's usual time (the
                     ``quantile`` of past days in that stage, default p75); only
                     for stages with >= ``min_samples`` finished intervals
``score_drop``       previous score - current score >= ``score_drop`` points
``no_next_activity`` the deal has no next activity planned
``activity_overdue`` the next activity's date is before ``now`` (by >= 1 day)
===================  ==========================================================

Reasons carry their numbers, e.g. ``{"code": "stuck", "stage": "Proposal",
"days": 41, "usual_days": 18.0, "median_days": 12.0}``.
"""

from __future__ import annotations

import numpy as np

from pyme_ai.base import Estimator, PymeAiError
from pyme_ai.training import TrainingResult

from .contact_time import (
    DEFAULT_MIN_CELL,
    DEFAULT_MIN_EVENTS,
    DEFAULT_PRIOR,
    best_contact_time,
    best_contact_time_by,
)
from .utils import DAY, as_float, dates_array, plain, to_datetime64

DEFAULT_QUANTILE = 0.75
DEFAULT_MIN_SAMPLES = 5
DEFAULT_SCORE_DROP = 15.0


def learn_stage_durations(
    intervals, *, quantile=DEFAULT_QUANTILE, min_samples=DEFAULT_MIN_SAMPLES
):
    """Usual days per stage from ``(lead, stage, entered, left)`` intervals.

    Intervals still open (``left`` None) and negative ones are ignored. Returns
    ``{"quantile": q, "min_samples": m, "stages": {stage: {"n", "median_days",
    "usual_days"}}}`` where ``usual_days`` is the ``q`` quantile of days spent, or
    None when the stage has fewer than ``min_samples`` finished intervals.
    """
    if not 0 < quantile < 1:
        raise PymeAiError("quantile must be between 0 and 1")
    rows = list(intervals)
    stages = np.array([r[1] for r in rows], dtype=object)
    days = (dates_array([r[3] for r in rows]) - dates_array([r[2] for r in rows])) / DAY
    keep = ~np.isnan(days) & (days >= 0)
    stages, days = stages[keep], days[keep]
    result = {}
    if days.size:
        labels, inverse = np.unique(stages.astype(str), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(labels) + 1))
        for k in range(len(labels)):
            idx = order[bounds[k] : bounds[k + 1]]
            values = days[idx]
            enough = values.size >= min_samples
            result[plain(stages[idx[0]])] = {
                "n": int(values.size),
                "median_days": as_float(np.median(values), 2),
                "usual_days": as_float(np.quantile(values, quantile), 2)
                if enough
                else None,
            }
    return {"quantile": quantile, "min_samples": min_samples, "stages": result}


def _column(deals, key):
    return [d.get(key) for d in deals]


def _scores(deals):
    cur = np.array(
        [np.nan if v is None else float(v) for v in _column(deals, "score")], float
    )
    prev = np.array(
        [np.nan if v is None else float(v) for v in _column(deals, "previous_score")],
        float,
    )
    return cur, prev


def deals_at_risk(deals, durations, *, now, score_drop=DEFAULT_SCORE_DROP):
    """Flag open deals. Returns ``[{"id", "at_risk", "reasons": [...]}]`` in order.

    Each deal is a dict with ``id``, ``stage``, ``stage_entered`` (date/datetime) and
    optionally ``score`` / ``previous_score`` (numbers), ``has_next_activity``
    (bool) and ``next_activity_date`` (date). A missing key or None skips its rule;
    ``has_next_activity`` False gives ``no_next_activity``, otherwise a
    ``next_activity_date`` at least one day before ``now`` gives
    ``activity_overdue``. ``durations`` comes from :func:`learn_stage_durations`.
    """
    deals = list(deals)
    now64 = to_datetime64(now)
    stats = durations["stages"]
    usual = np.array(
        [_usual(stats, d.get("stage")) for d in deals], dtype=float
    ).reshape(-1)
    days = (now64 - dates_array(_column(deals, "stage_entered"))) / DAY
    stuck = ~np.isnan(usual) & ~np.isnan(days) & (days > usual)
    cur, prev = _scores(deals)
    drop = prev - cur
    dropped = ~np.isnan(drop) & (drop >= score_drop)
    overdue_days = np.floor(
        (now64 - dates_array(_column(deals, "next_activity_date"))) / DAY
    )
    overdue = ~np.isnan(overdue_days) & (overdue_days >= 1)

    out = []
    for i, deal in enumerate(deals):
        reasons = []
        if stuck[i]:
            stage = deal.get("stage")
            entry = _entry(stats, stage)
            reasons.append(
                {
                    "code": "stuck",
                    "stage": stage,
                    "days": int(days[i]),
                    "usual_days": entry["usual_days"],
                    "median_days": entry["median_days"],
                }
            )
        if dropped[i]:
            reasons.append(
                {
                    "code": "score_drop",
                    "score": float(cur[i]),
                    "previous_score": float(prev[i]),
                    "drop": round(float(drop[i]), 2),
                }
            )
        if deal.get("has_next_activity") is False:
            reasons.append({"code": "no_next_activity"})
        elif overdue[i]:
            reasons.append(
                {"code": "activity_overdue", "days_overdue": int(overdue_days[i])}
            )
        out.append({"id": deal.get("id"), "at_risk": bool(reasons), "reasons": reasons})
    return out


def _entry(stats, stage):
    """Stats of ``stage``; also finds int stage ids stored as JSON string keys."""
    entry = stats.get(stage)
    if entry is None and stage is not None:
        entry = stats.get(str(stage))
    return entry


def _usual(stats, stage):
    entry = _entry(stats, stage)
    if entry is None or entry["usual_days"] is None:
        return np.nan
    return entry["usual_days"]


def usable_intervals(intervals):
    """The intervals that ended by moving to another stage, and the open ones.

    A lead's last finished interval ended with the lead closing (lost right after
    creation, say): it says nothing about how long deals stay in that stage.
    """
    rows = list(intervals)
    last = {}
    for i, row in enumerate(rows):
        key = row[0]
        if key not in last or _later(row, rows[last[key]]):
            last[key] = i
    ends = set(last.values())
    return [row for i, row in enumerate(rows) if row[3] is None or i not in ends]


def _later(row, other):
    entered, other_entered = to_datetime64(row[2]), to_datetime64(other[2])
    if np.isnat(entered) or np.isnat(other_entered):
        return False
    return entered >= other_entered


class DealRiskModel(Estimator):
    """Usual time per stage and best time to contact, learnt from the pipeline.

    ``fit(history)`` takes ``{"intervals": [(lead, stage, entered, left)],
    "contacts": [(group, local datetime, won)]}``: stage intervals (only those that
    ended by moving to another stage, or are still open, count: see
    :func:`usable_intervals`) and the first contact of closed leads in the
    lead's local time with its outcome; ``group`` (e.g. the lead source) gets its
    own best time when its history backs one. ``predict(open_deals, now=...)`` is
    :func:`deals_at_risk`; :meth:`best_contact` the best time of a group.
    """

    kind = "deal_risk"
    _fitted_attribute = "durations_"

    def __init__(
        self,
        *,
        quantile=DEFAULT_QUANTILE,
        min_samples=DEFAULT_MIN_SAMPLES,
        score_drop=DEFAULT_SCORE_DROP,
        min_events=DEFAULT_MIN_EVENTS,
        min_cell=DEFAULT_MIN_CELL,
        prior_strength=DEFAULT_PRIOR,
    ):
        self.quantile = quantile
        self.min_samples = min_samples
        self.score_drop = score_drop
        self.min_events = min_events
        self.min_cell = min_cell
        self.prior_strength = prior_strength

    def fit(self, history):
        intervals = usable_intervals(history.get("intervals", ()))
        contacts = list(history.get("contacts", ()))
        self.durations_ = learn_stage_durations(
            intervals, quantile=self.quantile, min_samples=self.min_samples
        )
        options = {
            "min_events": self.min_events,
            "min_cell": self.min_cell,
            "prior_strength": self.prior_strength,
        }
        times = [c[1] for c in contacts]
        won = [c[2] for c in contacts]
        by_group = best_contact_time_by([c[0] for c in contacts], times, won, **options)
        self.contact_ = {
            "all": best_contact_time(times, won, **options),
            "by_group": {
                group: best
                for group, best in by_group.items()
                if group is not None and best
            },
        }
        stages = self.durations_["stages"].values()
        self.n_intervals_ = len(intervals)
        self.metrics_ = {
            "stage_periods": sum(1 for r in intervals if r[3] is not None),
            "stages_learnt": sum(1 for s in stages if s["usual_days"] is not None),
            "first_contacts": len(contacts),
            "contact_segments": len(self.contact_["by_group"])
            + (1 if self.contact_["all"] else 0),
        }
        return self

    def predict(self, open_deals, *, now):
        """:func:`deals_at_risk` of ``open_deals`` with the learnt stage times."""
        self.check_fitted()
        return deals_at_risk(
            open_deals, self.durations_, now=now, score_drop=self.score_drop
        )

    def best_contact(self, group=None):
        """Best time to contact a lead of ``group`` (its own, else the overall one);
        None when the history backs none."""
        self.check_fitted()
        return self.contact_["by_group"].get(group) or self.contact_["all"]

    def report(self):
        """JSON-safe summary: stage times and contact times."""
        self.check_fitted()
        return {"durations": self.durations_, "contact": self.contact_}


def evaluate(history, **hyperparameters):
    """A :class:`DealRiskModel` fitted on ``history`` as a ``TrainingResult``.

    Stage and contact times are descriptive statistics of the latest history, so
    there is no holdout: the metrics count what was learnt (``stages_learnt`` is
    the primary one).
    """
    model = DealRiskModel(**hyperparameters).fit(history)
    return TrainingResult(
        model=model,
        metrics=model.metrics_,
        primary_metric="stages_learnt",
        n_rows=model.n_intervals_,
        report=model.report(),
    )
