"""Deals at risk: which signals preceded a loss in the company's history, then each
open deal's loss risk and the few deals clearly above the normal.

:class:`DealRiskModel` is the estimator (kind ``deal_risk``): ``fit`` learns the usual
time per stage (:func:`learn_stage_durations`), the best time to contact
(:mod:`.contact_time`) and how much each signal raised the loss rate of past deals;
``predict`` gives open deals their loss risk, flags and reasons; :func:`evaluate`
wraps it in a ``TrainingResult`` with a backtest of the flagging rule.

Signals (:data:`RISK_SIGNALS`), each known at a moment of a deal's life:

===================  ==========================================================
code                 on when
===================  ==========================================================
``stuck``            days in the current stage > the stage's usual time (the
                     ``quantile`` of past stays, default p75); only for stages
                     with >= ``min_samples`` finished stays
``score_drop``       previous score - current score >= ``score_drop`` points
``no_next_activity`` no activity planned
``activity_overdue`` the next activity's deadline is >= 1 day before the moment
===================  ==========================================================

**Learning.** Each closed deal is looked at once, at a fixed moment of its open life
(:func:`history_moments`: a fraction of the time from its creation to its closing
taken from a hash of its id), with only what was known then: the stage it was in
and since when (:func:`stage_at`), its last two scores, the activity planned. A
logistic regression with an L2 penalty on the signals gives the loss risk. A signal
stays only when >= ``min_support`` past deals had it and its effect is positive with
99 % confidence (weight - 2.326 standard errors > 0: four signals are tried); the
weakest is dropped and the rest refitted until all stay. The activity signals are
candidates only when the history says which activity was planned at the moment
(``has_next_activity`` not None) and the company plans activities (>=
``min_activity_share`` of those deals had one planned).

**Flagging.** A deal is eligible when its risk >= ``risk_ratio`` x the base loss
rate (the share of past deals lost), or halfway from the base rate to 1 when that is
lower (a base rate of 70 % cannot be multiplied by 1.5). At most ``max_share`` of
the deals are flagged: highest risk first, ties by the longest time in the stage.
Reasons are the kept signals the deal has, with their numbers and the loss rate of
the past deals that had them, e.g. ``{"code": "stuck", "stage": 7, "days": 41,
"usual_days": 18.0, "median_days": 12.0, "loss_rate": 0.72, "base_rate": 0.41}``.

**Backtest.** The same rule on the history, each deal scored by a model fitted on
the other folds (5 folds by id): the share flagged, the loss rate of the flagged
deals vs the rest and their ratio (``lift``), with the counts.
"""

from __future__ import annotations

import math
import zlib

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
DEFAULT_RISK_RATIO = 1.5
DEFAULT_MAX_SHARE = 0.2
DEFAULT_MIN_SUPPORT = 10
DEFAULT_MIN_ACTIVITY_SHARE = 0.3
DEFAULT_PENALTY = 1.0
DEFAULT_FOLDS = 5
#: one-sided 99 % normal quantile (about 95 % over the four signals): a kept
#: signal's weight is above 0 by this many standard errors
Z_99 = 2.326

#: the signals a deal's risk is learnt from (reason codes, in this order)
RISK_SIGNALS = ("stuck", "score_drop", "no_next_activity", "activity_overdue")
ACTIVITY_SIGNALS = ("no_next_activity", "activity_overdue")


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


def history_moments(deals):
    """``{id: moment}`` of closed deals given as ``(id, created, closed)``.

    The moment is a fixed fraction of the deal's open life, from a hash of its id:
    spread evenly over the history, the same for a deal at every training. Deals
    without both dates (or closed before created) are left out.
    """
    out = {}
    for deal_id, created, closed in deals:
        start, end = to_datetime64(created), to_datetime64(closed)
        if np.isnat(start) or np.isnat(end) or end < start:
            continue
        fraction = zlib.crc32(str(deal_id).encode()) / 2**32
        seconds = int((end - start) / np.timedelta64(1, "s") * fraction)
        out[deal_id] = (start + np.timedelta64(seconds, "s")).astype(object)
    return out


def stage_at(intervals, moments):
    """``{lead: (stage, entered)}``: the stage each lead of ``moments`` ({lead:
    datetime}) was in at its moment, from ``(lead, stage, entered, left)``
    intervals; leads with no interval covering the moment are left out."""
    out = {}
    for lead, stage, entered, left in intervals:
        moment = moments.get(lead)
        if moment is None:
            continue
        t, start = to_datetime64(moment), to_datetime64(entered)
        end = to_datetime64(left)
        if start <= t and (np.isnat(end) or t < end):
            out[lead] = (stage, entered)
    return out


def _column(deals, key):
    return [d.get(key) for d in deals]


def _numbers(deals, key):
    return np.array(
        [np.nan if v is None else float(v) for v in _column(deals, key)], float
    )


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


def signal_table(deals, durations, *, now, score_drop=DEFAULT_SCORE_DROP):
    """The signals of ``deals`` at ``now`` (one datetime, or one per deal).

    Each deal is a dict with ``stage``, ``stage_entered`` and optionally ``score``
    / ``previous_score``, ``has_next_activity`` (None: unknown) and
    ``next_activity_date``. Returns ``(X, detail)``: a boolean array, one column
    per :data:`RISK_SIGNALS`, and the numbers behind them (arrays ``days``,
    ``usual``, ``score``, ``previous``, ``overdue_days``).
    """
    deals = list(deals)
    if isinstance(now, list | tuple | np.ndarray):
        now64 = dates_array(now)
    else:
        now64 = np.full(len(deals), to_datetime64(now), dtype="datetime64[s]")
    stats = durations["stages"]
    usual = np.array([_usual(stats, d.get("stage")) for d in deals], dtype=float)
    days = (now64 - dates_array(_column(deals, "stage_entered"))) / DAY
    score, previous = _numbers(deals, "score"), _numbers(deals, "previous_score")
    drop = previous - score
    overdue_days = np.floor(
        (now64 - dates_array(_column(deals, "next_activity_date"))) / DAY
    )
    none = np.array([d.get("has_next_activity") is False for d in deals], bool)
    X = np.column_stack(
        [
            ~np.isnan(usual) & ~np.isnan(days) & (days > usual),
            ~np.isnan(drop) & (drop >= score_drop),
            none,
            ~none & ~np.isnan(overdue_days) & (overdue_days >= 1),
        ]
    ).reshape(len(deals), len(RISK_SIGNALS))
    detail = {
        "days": days,
        "usual": usual,
        "score": score,
        "previous": previous,
        "overdue_days": overdue_days,
    }
    return X, detail


def _logistic(X, y, penalty):
    """L2-penalised logistic regression (Newton steps; the intercept is free).

    Returns (weights with the intercept first, their standard errors).
    """
    A = np.column_stack([np.ones(len(y)), X.astype(float)])
    reg = np.full(A.shape[1], float(penalty))
    reg[0] = 1e-6
    rate = min(max(float(np.mean(y)), 1e-3), 1 - 1e-3)
    w = np.zeros(A.shape[1])
    w[0] = math.log(rate / (1 - rate))
    for _step in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -30, 30)))
        hessian = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg)
        delta = np.linalg.solve(hessian, A.T @ (y - p) - reg * w)
        w += delta
        if np.max(np.abs(delta)) < 1e-9:
            break
    p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -30, 30)))
    hessian = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg)
    return w, np.sqrt(np.diag(np.linalg.inv(hessian)))


def learn_signal_risk(
    X,
    lost,
    candidates=RISK_SIGNALS,
    *,
    min_support=DEFAULT_MIN_SUPPORT,
    penalty=DEFAULT_PENALTY,
):
    """How much each signal raised the loss rate of past deals.

    ``X`` is :func:`signal_table`'s array for the closed deals at their moment,
    ``lost`` their outcome. Returns ``{"base_rate", "intercept", "weights": {kept
    signal: weight}, "signals": {signal: {"n", "lost", "loss_rate", "weight",
    "low"}}}`` (``low``: the weight minus 2.326 standard errors, None when the
    signal was not a candidate or too rare).
    """
    X = np.asarray(X, bool).reshape(-1, len(RISK_SIGNALS))
    y = np.asarray(lost, float)
    signals = {}
    for j, code in enumerate(RISK_SIGNALS):
        n = int(X[:, j].sum())
        lost_n = int(y[X[:, j]].sum())
        signals[code] = {
            "n": n,
            "lost": lost_n,
            "loss_rate": round(lost_n / n, 4) if n else None,
            "weight": None,
            "low": None,
        }
    base = float(y.mean()) if y.size else None
    result = {"base_rate": base, "intercept": None, "weights": {}, "signals": signals}
    if not y.size or y.min() == y.max():
        return result
    kept = [
        j
        for j, code in enumerate(RISK_SIGNALS)
        if code in candidates and signals[code]["n"] >= min_support
    ]
    while True:
        w, se = _logistic(X[:, kept], y, penalty)
        low = w[1:] - Z_99 * se[1:]
        for k, j in enumerate(kept):
            signals[RISK_SIGNALS[j]]["weight"] = round(float(w[k + 1]), 4)
            signals[RISK_SIGNALS[j]]["low"] = round(float(low[k]), 4)
        if not kept or low.min() > 0:
            break
        kept.pop(int(np.argmin(low)))
    result["intercept"] = float(w[0])
    result["weights"] = {RISK_SIGNALS[j]: float(w[k + 1]) for k, j in enumerate(kept)}
    return result


def signal_risk(X, fitted):
    """Loss risk of each row of ``X`` under :func:`learn_signal_risk`'s result."""
    X = np.asarray(X, bool).reshape(-1, len(RISK_SIGNALS))
    if fitted["intercept"] is None:
        return np.full(len(X), fitted["base_rate"] or 0.0)
    z = np.full(len(X), fitted["intercept"])
    for code, weight in fitted["weights"].items():
        z = z + weight * X[:, RISK_SIGNALS.index(code)]
    return 1.0 / (1.0 + np.exp(-z))


def risk_threshold(base_rate, ratio=DEFAULT_RISK_RATIO):
    """The risk a deal needs to be eligible: ``ratio`` x the base loss rate, or
    halfway from it to 1 when lower; None without a base rate."""
    if base_rate is None:
        return None
    return min(ratio * base_rate, (1 + base_rate) / 2)


def cap_flags(eligible, risk, days, max_share=DEFAULT_MAX_SHARE):
    """Flags: the eligible deals, at most ``max_share`` of all (at least one),
    highest risk first, ties by the most days in the stage."""
    eligible = np.asarray(eligible, bool)
    flags = np.zeros(eligible.size, bool)
    if not eligible.any():
        return flags
    days = np.nan_to_num(np.asarray(days, float), nan=-1.0)
    order = np.lexsort((np.arange(eligible.size), -days, -np.asarray(risk, float)))
    keep = max(1, int(math.floor(max_share * eligible.size + 1e-9)))
    flags[order[eligible[order]][:keep]] = True
    return flags


def _plans_activities(closed, min_support, min_share):
    """(activity signals are candidates, deals with a known activity, share of
    them that had one planned)."""
    known = [
        d["has_next_activity"]
        for d in closed
        if d.get("has_next_activity") in (True, False)
    ]
    share = sum(known) / len(known) if known else None
    usable = len(known) >= min_support and share is not None and share >= min_share
    return usable, len(known), share


def backtest_flags(ids, X, lost, days, candidates, **options):
    """Out-of-fold flags of the history: each deal's risk from a model fitted on
    the other folds (``folds`` by a hash of the id), then the flagging rule."""
    folds = options.pop("folds", DEFAULT_FOLDS)
    ratio = options.pop("risk_ratio", DEFAULT_RISK_RATIO)
    max_share = options.pop("max_share", DEFAULT_MAX_SHARE)
    y = np.asarray(lost, bool)
    fold = np.array([zlib.crc32(str(i).encode()) % folds for i in ids], int)
    eligible = np.zeros(y.size, bool)
    risk = np.zeros(y.size)
    for k in range(folds):
        test = fold == k
        if not test.any():
            continue
        fitted = learn_signal_risk(X[~test], y[~test], candidates, **options)
        risk[test] = signal_risk(X[test], fitted)
        threshold = risk_threshold(fitted["base_rate"], ratio)
        if fitted["weights"] and threshold is not None:
            eligible[test] = risk[test] >= threshold - 1e-12
    return cap_flags(eligible, risk, days, max_share)


def flag_metrics(flags, lost):
    """Share flagged, loss rates of the flagged deals and of the rest, their ratio
    (``lift``; None when a side is empty or the rest lost none) and the counts."""
    flags, y = np.asarray(flags, bool), np.asarray(lost, bool)
    n, n_flagged = int(y.size), int(flags.sum())
    rate_flagged = float(y[flags].mean()) if n_flagged else None
    rate_rest = float(y[~flags].mean()) if n_flagged < n else None
    lift = None
    if rate_flagged is not None and rate_rest:
        lift = round(rate_flagged / rate_rest, 4)
    return {
        "lift": lift,
        "loss_rate_flagged": None if rate_flagged is None else round(rate_flagged, 4),
        "loss_rate_rest": None if rate_rest is None else round(rate_rest, 4),
        "flag_share": round(n_flagged / n, 4) if n else None,
        "flagged_deals": n_flagged,
        "other_deals": n - n_flagged,
    }


def _reason(code, i, deal, detail, stats, fitted):
    learnt = fitted["signals"][code]
    if code == "stuck":
        entry = _entry(stats, deal.get("stage"))
        reason = {
            "code": code,
            "stage": deal.get("stage"),
            "days": int(detail["days"][i]),
            "usual_days": entry["usual_days"],
            "median_days": entry["median_days"],
        }
    elif code == "score_drop":
        score, previous = float(detail["score"][i]), float(detail["previous"][i])
        reason = {
            "code": code,
            "score": score,
            "previous_score": previous,
            "drop": round(previous - score, 2),
        }
    elif code == "activity_overdue":
        reason = {"code": code, "days_overdue": int(detail["overdue_days"][i])}
    else:
        reason = {"code": code}
    reason["loss_rate"] = learnt["loss_rate"]
    reason["base_rate"] = round(fitted["base_rate"], 4)
    return reason


class DealRiskModel(Estimator):
    """Usual time per stage, best time to contact and the loss risk of deals, learnt
    from the pipeline.

    ``fit(history)`` takes ``{"intervals": [(lead, stage, entered, left)],
    "contacts": [(group, local datetime, won)], "closed": [{"id", "lost",
    "moment", ...}]}``: stage intervals of every lead (durations use only those
    that ended by moving to another stage, or are still open: see
    :func:`usable_intervals`), first contacts of closed leads in the lead's local
    time with their outcome (``group``, e.g. the lead source, gets its own best
    time when its history backs one) and the closed deals at their moment
    (:func:`history_moments`) with what was known then (``score``,
    ``previous_score``, ``has_next_activity``, ``next_activity_date``; their
    stage then comes from the intervals). ``predict(open_deals, now=...)`` gives
    the risks and flags; :meth:`best_contact` the best time of a group.
    """

    kind = "deal_risk"
    _fitted_attribute = "risk_"

    def __init__(
        self,
        *,
        quantile=DEFAULT_QUANTILE,
        min_samples=DEFAULT_MIN_SAMPLES,
        score_drop=DEFAULT_SCORE_DROP,
        risk_ratio=DEFAULT_RISK_RATIO,
        max_share=DEFAULT_MAX_SHARE,
        min_support=DEFAULT_MIN_SUPPORT,
        min_activity_share=DEFAULT_MIN_ACTIVITY_SHARE,
        penalty=DEFAULT_PENALTY,
        folds=DEFAULT_FOLDS,
        min_events=DEFAULT_MIN_EVENTS,
        min_cell=DEFAULT_MIN_CELL,
        prior_strength=DEFAULT_PRIOR,
    ):
        self.quantile = quantile
        self.min_samples = min_samples
        self.score_drop = score_drop
        self.risk_ratio = risk_ratio
        self.max_share = max_share
        self.min_support = min_support
        self.min_activity_share = min_activity_share
        self.penalty = penalty
        self.folds = folds
        self.min_events = min_events
        self.min_cell = min_cell
        self.prior_strength = prior_strength

    def fit(self, history):
        all_intervals = list(history.get("intervals", ()))
        intervals = usable_intervals(all_intervals)
        self.durations_ = learn_stage_durations(
            intervals, quantile=self.quantile, min_samples=self.min_samples
        )
        self._fit_contacts(list(history.get("contacts", ())))
        self._fit_risk(list(history.get("closed", ())), all_intervals)
        stages = self.durations_["stages"].values()
        self.n_intervals_ = len(intervals)
        self.metrics_ = {
            **self.backtest_,
            "closed_deals": self.n_closed_,
            "base_loss_rate": as_float(self.risk_["base_rate"], 4),
            "signals_used": len(self.risk_["weights"]),
            "stage_periods": sum(1 for r in intervals if r[3] is not None),
            "stages_learnt": sum(1 for s in stages if s["usual_days"] is not None),
            "first_contacts": self.n_contacts_,
            "contact_segments": len(self.contact_["by_group"])
            + (1 if self.contact_["all"] else 0),
        }
        return self

    def _fit_contacts(self, contacts):
        options = {
            "min_events": self.min_events,
            "min_cell": self.min_cell,
            "prior_strength": self.prior_strength,
        }
        times = [c[1] for c in contacts]
        won = [c[2] for c in contacts]
        by_group = best_contact_time_by([c[0] for c in contacts], times, won, **options)
        self.n_contacts_ = len(times)
        self.contact_ = {
            "all": best_contact_time(times, won, **options),
            "by_group": {
                group: best
                for group, best in by_group.items()
                if group is not None and best
            },
        }

    def _fit_risk(self, closed, intervals):
        located = stage_at(intervals, {d["id"]: d.get("moment") for d in closed})
        rows = [
            dict(d, stage=located[d["id"]][0], stage_entered=located[d["id"]][1])
            if d["id"] in located
            else d
            for d in closed
        ]
        moments = [d.get("moment") for d in rows]
        X, detail = signal_table(
            rows, self.durations_, now=moments, score_drop=self.score_drop
        )
        lost = np.array([bool(d["lost"]) for d in rows], bool)
        self.n_closed_ = len(rows)
        usable, known, share = _plans_activities(
            rows, self.min_support, self.min_activity_share
        )
        candidates = tuple(
            code for code in RISK_SIGNALS if usable or code not in ACTIVITY_SIGNALS
        )
        options = {"min_support": self.min_support, "penalty": self.penalty}
        self.risk_ = learn_signal_risk(X, lost, candidates, **options)
        flags = backtest_flags(
            [d["id"] for d in rows],
            X,
            lost,
            detail["days"],
            candidates,
            folds=self.folds,
            risk_ratio=self.risk_ratio,
            max_share=self.max_share,
            **options,
        )
        self.backtest_ = flag_metrics(flags, lost)
        self.risk_.update(
            threshold=risk_threshold(self.risk_["base_rate"], self.risk_ratio),
            max_share=self.max_share,
            activities={"known": known, "planned_share": share, "used": usable},
        )

    def predict(self, open_deals, *, now, cap=True):
        """``[{"id", "risk", "at_risk", "reasons"}]`` of ``open_deals`` (dicts as
        in :func:`signal_table`, with an ``id``), highest risk first.

        Eligible deals get their reasons; ``cap`` False leaves the share cap to the
        caller (``at_risk`` is then eligibility, e.g. to cap over several batches).
        """
        self.check_fitted()
        deals = list(open_deals)
        X, detail = signal_table(
            deals, self.durations_, now=now, score_drop=self.score_drop
        )
        fitted = self.risk_
        risk = signal_risk(X, fitted)
        eligible = np.zeros(len(deals), bool)
        if fitted["weights"]:
            eligible = risk >= fitted["threshold"] - 1e-12
        flags = (
            cap_flags(eligible, risk, detail["days"], self.max_share)
            if cap
            else eligible
        )
        order = np.lexsort(
            (np.arange(len(deals)), -np.nan_to_num(detail["days"], nan=-1.0), -risk)
        )
        stats = self.durations_["stages"]
        unknown = fitted["base_rate"] is None
        out = []
        for i in order:
            reasons = [
                _reason(code, i, deals[i], detail, stats, fitted)
                for j, code in enumerate(RISK_SIGNALS)
                if eligible[i] and X[i, j] and code in fitted["weights"]
            ]
            out.append(
                {
                    "id": deals[i].get("id"),
                    "risk": None if unknown else round(float(risk[i]), 4),
                    "at_risk": bool(flags[i]),
                    "reasons": reasons,
                }
            )
        return out

    def best_contact(self, group=None):
        """Best time to contact a lead of ``group`` (its own, else the overall one);
        None when the history backs none."""
        self.check_fitted()
        return self.contact_["by_group"].get(group) or self.contact_["all"]

    def report(self):
        """JSON-safe summary: stage times, contact times, the learnt signals and
        the backtest."""
        self.check_fitted()
        return {
            "durations": self.durations_,
            "contact": self.contact_,
            "risk": self.risk_,
            "backtest": self.backtest_,
        }


def evaluate(history, **hyperparameters):
    """A :class:`DealRiskModel` fitted on ``history`` as a ``TrainingResult``.

    The primary metric is the backtest's ``lift`` (loss rate of the deals the rule
    would have flagged / of the rest); stage and contact times are descriptive
    statistics of the latest history and only counted.
    """
    model = DealRiskModel(**hyperparameters).fit(history)
    return TrainingResult(
        model=model,
        metrics=model.metrics_,
        primary_metric="lift",
        n_rows=model.n_closed_,
        report=model.report(),
    )
