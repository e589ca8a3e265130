"""Holdout splits and metrics shared by every capability.

Classification: AUC, Brier score, log loss, lift.
Forecasting: RMSSE, MASE, pinball loss, quantile coverage.
All functions take array-likes and return plain floats, so reports serialise as JSON.
"""

from __future__ import annotations

import numpy as np


class EvaluationError(ValueError):
    """Inputs that cannot be evaluated (empty, one class only, mismatched shapes)."""


def _as_1d(values, name):
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size == 0:
        raise EvaluationError(f"{name} is empty")
    return arr


def _pair(y_true, y_pred):
    y = _as_1d(y_true, "y_true")
    p = _as_1d(y_pred, "y_pred")
    if y.shape != p.shape:
        raise EvaluationError(f"y_true has {y.size} values but y_pred has {p.size}")
    return y, p


# --------------------------------------------------------------------------- splits
def stratified_holdout(y, test_size=0.25, random_state=0):
    """Indices (train, test) keeping the class proportions of ``y`` in both parts.

    Every class with at least two members gets at least one row in each part.
    """
    y = np.asarray(y)
    if not 0 < test_size < 1:
        raise EvaluationError("test_size must be between 0 and 1")
    rng = np.random.default_rng(random_state)
    train, test = [], []
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        n_test = int(round(len(idx) * test_size))
        if len(idx) >= 2:
            n_test = min(max(n_test, 1), len(idx) - 1)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def time_holdout(dates, test_size=0.25):
    """Indices (train, test): the most recent ``test_size`` share of rows is the test
    part.

    ``dates`` is any sortable array (datetime64, numbers, ISO strings). Ties keep input
    order.
    """
    dates = np.asarray(dates)
    if dates.size < 2:
        raise EvaluationError("need at least two rows for a holdout")
    if not 0 < test_size < 1:
        raise EvaluationError("test_size must be between 0 and 1")
    order = np.argsort(dates, kind="stable")
    n_test = min(max(int(round(dates.size * test_size)), 1), dates.size - 1)
    return np.sort(order[:-n_test]), np.sort(order[-n_test:])


# ------------------------------------------------------------------ classification
def auc(y_true, score):
    """Area under the ROC curve (Mann-Whitney U, ties counted as one half)."""
    y, s = _pair(y_true, score)
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        raise EvaluationError("AUC needs both classes in y_true")
    ranks = _average_ranks(s)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _average_ranks(values):
    order = np.argsort(values, kind="mergesort")
    sorted_vals = values[order]
    ranks = np.empty(values.size, dtype=float)
    # boundaries of runs of equal values
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_vals)) + 1]
    ends = np.r_[starts[1:], values.size]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2.0
    return ranks


def brier(y_true, prob):
    """Mean squared difference between predicted probability and outcome (0/1)."""
    y, p = _pair(y_true, prob)
    return float(np.mean((p - y) ** 2))


def log_loss(y_true, prob, eps=1e-15):
    """Mean negative log-likelihood of the outcomes (natural log)."""
    y, p = _pair(y_true, prob)
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def lift(y_true, score, fraction=0.1):
    """Positive rate among the top ``fraction`` by score, divided by the overall rate.

    The top is ``ceil(fraction * n)`` rows; ties at the cut are broken by input order.
    """
    y, s = _pair(y_true, score)
    if not 0 < fraction <= 1:
        raise EvaluationError("fraction must be in (0, 1]")
    base = y.mean()
    if base == 0:
        raise EvaluationError("lift needs at least one positive")
    k = int(np.ceil(fraction * y.size))
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean() / base)


def classification_report(y_true, prob, lift_fractions=(0.1, 0.2)):
    """The metrics every lead model reports, as a flat dict."""
    report = {
        "auc": auc(y_true, prob),
        "brier": brier(y_true, prob),
        "log_loss": log_loss(y_true, prob),
    }
    for frac in lift_fractions:
        report[f"lift_{int(round(frac * 100))}"] = lift(y_true, prob, frac)
    report["n"] = int(np.asarray(y_true).size)
    report["positive_rate"] = float(np.mean(np.asarray(y_true, dtype=float)))
    return report


# --------------------------------------------------------------------- forecasting
def _scale(history, season=1, squared=False):
    h = _as_1d(history, "history")
    if h.size <= season:
        raise EvaluationError(
            f"history needs more than {season} values to scale errors"
        )
    diffs = h[season:] - h[:-season]
    return float(np.mean(diffs**2) if squared else np.mean(np.abs(diffs)))


def mase(y_true, y_pred, history, season=1):
    """Mean absolute scaled error: MAE over the in-sample MAE of the (seasonal) naive
    forecast.

    Returns ``nan`` when the history is constant (scale 0), so callers can skip the
    series.
    """
    y, p = _pair(y_true, y_pred)
    scale = _scale(history, season)
    return float(np.mean(np.abs(y - p)) / scale) if scale > 0 else float("nan")


def rmsse(y_true, y_pred, history, season=1):
    """Root mean squared scaled error (M5 competition): RMSE over the naive in-sample
    RMSE."""
    y, p = _pair(y_true, y_pred)
    scale = _scale(history, season, squared=True)
    return float(np.sqrt(np.mean((y - p) ** 2) / scale)) if scale > 0 else float("nan")


def pinball_loss(y_true, y_quantile, q):
    """Mean quantile (pinball) loss of a ``q`` quantile forecast."""
    if not 0 < q < 1:
        raise EvaluationError("q must be in (0, 1)")
    y, f = _pair(y_true, y_quantile)
    diff = y - f
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def quantile_coverage(y_true, y_quantile):
    """Share of outcomes at or below the forecast quantile (ideal: the quantile
    level)."""
    y, f = _pair(y_true, y_quantile)
    return float(np.mean(y <= f))
