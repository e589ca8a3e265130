"""Holdout splits and metrics shared by every capability.

Classification: :func:`roc_auc_score`, :func:`brier_score_loss`, :func:`log_loss`
(scikit-learn's) and :func:`lift_score`. Forecasting: :func:`rmsse_error`,
:func:`mase_error`, :func:`pinball_loss` and :func:`coverage_score`, each over all
values (a float) or row-wise along ``axis`` (an array, for many items at once). Names
say the direction: ``*_score`` higher is better, ``*_loss`` / ``*_error`` lower is
better. Scalar results are plain floats, so reports serialise as JSON.
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as _sk
from sklearn.model_selection import StratifiedGroupKFold

from .base import PymeAiError


class EvaluationError(PymeAiError):
    """Inputs that cannot be evaluated (empty, one class only, mismatched shapes)."""


#: Direction of the metric keys the capabilities report: "higher" or "lower" is better.
#: Keys starting with ``lift_`` are "higher", with ``pinball`` "lower" (see direction).
METRIC_DIRECTIONS = {
    "auc": "higher",
    "brier": "lower",
    "log_loss": "lower",
    "lift_10": "higher",
    "lift_20": "higher",
    "rmsse": "lower",
    "mase": "lower",
    "pinball": "lower",
    "accuracy": "higher",
    "in_scope_accuracy": "higher",
    "oos_recall": "higher",
    "backtest_mape": "lower",
}
_PREFIX_DIRECTIONS = (("lift_", "higher"), ("pinball_", "lower"))


def direction(key):
    """``"higher"`` or ``"lower"`` (which way ``key`` is better), or None when it is
    not a quality measure (``n``, ``positive_rate``, ``coverage_*``: closer to the
    quantile level is better)."""
    if key in METRIC_DIRECTIONS:
        return METRIC_DIRECTIONS[key]
    for prefix, way in _PREFIX_DIRECTIONS:
        if key.startswith(prefix):
            return way
    return None


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


def stratified_group_holdout(y, groups, test_size=0.25, random_state=0):
    """Indices (train, test) with all rows of a group on the same side, stratified
    by ``y`` as far as groups allow.

    The test part is one fold of scikit-learn's ``StratifiedGroupKFold`` with
    ``round(1 / test_size)`` folds (at least 2), shuffled with ``random_state``.
    Groups are any values (e.g. lead ids), one per row.
    """
    y = np.asarray(y)
    groups = np.asarray(groups)
    if not 0 < test_size < 1:
        raise EvaluationError("test_size must be between 0 and 1")
    if y.shape != groups.shape:
        raise EvaluationError(f"{groups.size} groups for {y.size} rows")
    n_groups = len(np.unique(groups))
    n_splits = min(max(int(round(1 / test_size)), 2), n_groups)
    if n_splits < 2:
        raise EvaluationError("need at least two groups for a holdout")
    folds = StratifiedGroupKFold(
        n_splits=n_splits, shuffle=True, random_state=random_state
    )
    train, test = next(folds.split(np.zeros(len(y)), y, groups))
    return np.sort(train), np.sort(test)


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
def roc_auc_score(y_true, y_score):
    """Area under the ROC curve (scikit-learn's; ties count one half)."""
    y, s = _pair(y_true, y_score)
    pos = y == 1
    if pos.all() or not pos.any():
        raise EvaluationError("AUC needs both classes in y_true")
    return float(_sk.roc_auc_score(pos, s))


def brier_score_loss(y_true, y_prob):
    """Mean squared difference between predicted probability and outcome (0/1)."""
    y, p = _pair(y_true, y_prob)
    return float(_sk.brier_score_loss(y, p, pos_label=1))


def log_loss(y_true, y_prob, eps=1e-15):
    """Mean negative log-likelihood of the outcomes (natural log).

    Probabilities are clipped to ``[eps, 1 - eps]`` first, so a certain mistake costs
    ``-ln(eps)`` whatever scikit-learn's own clipping is.
    """
    y, p = _pair(y_true, y_prob)
    p = np.clip(p, eps, 1 - eps)
    return float(_sk.log_loss(y, p, labels=[0, 1]))


def lift_score(y_true, y_score, fraction=0.1):
    """Positive rate among the top ``fraction`` by score, divided by the overall rate.

    The top is ``ceil(fraction * n)`` rows; ties at the cut are broken by input order.
    """
    y, s = _pair(y_true, y_score)
    if not 0 < fraction <= 1:
        raise EvaluationError("fraction must be in (0, 1]")
    base = y.mean()
    if base == 0:
        raise EvaluationError("lift needs at least one positive")
    k = int(np.ceil(fraction * y.size))
    top = np.argsort(-s, kind="stable")[:k]
    return float(y[top].mean() / base)


def classification_report(y_true, prob, lift_fractions=(0.1, 0.2)):
    """The metrics every lead model reports, as a flat dict (keys: ``auc``,
    ``brier``, ``log_loss``, ``lift_<percent>``, ``n``, ``positive_rate``)."""
    report = {
        "auc": roc_auc_score(y_true, prob),
        "brier": brier_score_loss(y_true, prob),
        "log_loss": log_loss(y_true, prob),
    }
    for frac in lift_fractions:
        report[f"lift_{int(round(frac * 100))}"] = lift_score(y_true, prob, frac)
    report["n"] = int(np.asarray(y_true).size)
    report["positive_rate"] = float(np.mean(np.asarray(y_true, dtype=float)))
    return report


# --------------------------------------------------------------------- forecasting
def _errors(actual, forecast, axis):
    """``actual - forecast`` as floats: flattened (axis None) or as given."""
    if axis is None:
        return np.subtract(*_pair(actual, forecast))
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise EvaluationError(f"actual has shape {a.shape} but forecast {f.shape}")
    if a.size == 0:
        raise EvaluationError("actual is empty")
    return a - f


def naive_scale(history, season=1, squared=False, axis=None):
    """Mean absolute (``squared``: mean squared) in-sample error of the (seasonal)
    naive forecast: the denominator of MASE (of RMSSE). Row-wise along ``axis``."""
    if axis is None:
        h, along = _as_1d(history, "history"), 0
    else:
        h, along = np.asarray(history, dtype=float), axis
    length = h.shape[along]
    if length <= season:
        raise EvaluationError(
            f"history needs more than {season} values to scale errors"
        )
    diffs = np.take(h, np.arange(season, length), axis=along) - np.take(
        h, np.arange(length - season), axis=along
    )
    out = np.mean(diffs**2 if squared else np.abs(diffs), axis=axis)
    return float(out) if axis is None else out


def _scaled(mean_error, history, scale, season, squared, axis):
    """``mean_error / scale`` (the scale from ``history`` unless given); nan where
    the scale is 0 or unknown."""
    if scale is None:
        if history is None:
            raise EvaluationError("give the history or its scale")
        scale = naive_scale(history, season, squared, axis)
    scale = np.asarray(scale, dtype=float)
    out = mean_error / np.where(scale > 0, scale, np.nan)
    return float(out) if axis is None else out


def mase_error(actual, forecast, history=None, season=1, *, scale=None, axis=None):
    """Mean absolute scaled error: MAE over the in-sample MAE of the (seasonal) naive
    forecast (``scale``, or computed from ``history``).

    ``axis=None``: one float over all values; ``axis=1``: one value per row, e.g.
    ``mase_error(actual, forecast, scale=mae_scale, axis=1)`` for ``(items, horizon)``
    arrays and a per-item scale. A constant history (scale 0 or nan) gives ``nan``, so
    callers can skip the series.
    """
    err = _errors(actual, forecast, axis)
    return _scaled(np.mean(np.abs(err), axis=axis), history, scale, season, False, axis)


def rmsse_error(actual, forecast, history=None, season=1, *, scale=None, axis=None):
    """Root mean squared scaled error (M5 competition): RMSE over the in-sample RMSE
    of the (seasonal) naive forecast; a given ``scale`` is the naive *mean squared*
    error.

    ``axis=None``: one float over all values; ``axis=1``: one value per row, e.g.
    ``rmsse_error(actual, forecast, scale=mse_scale, axis=1)``. A constant history
    (scale 0 or nan) gives ``nan``.
    """
    err = _errors(actual, forecast, axis)
    ratio = _scaled(np.mean(err**2, axis=axis), history, scale, season, True, axis)
    return float(np.sqrt(ratio)) if axis is None else np.sqrt(ratio)


def pinball_loss(actual, quantile, q, axis=None):
    """Mean quantile (pinball) loss of a ``q`` quantile forecast (scikit-learn's
    ``mean_pinball_loss`` over all values; row-wise along ``axis``)."""
    if not 0 < q < 1:
        raise EvaluationError("q must be in (0, 1)")
    if axis is None:
        y, f = _pair(actual, quantile)
        return float(_sk.mean_pinball_loss(y, f, alpha=q))
    diff = _errors(actual, quantile, axis)
    return np.mean(np.maximum(q * diff, (q - 1) * diff), axis=axis)


def coverage_score(actual, quantile, axis=None):
    """Share of outcomes at or below the forecast quantile (ideal: the quantile
    level)."""
    diff = _errors(actual, quantile, axis)
    out = np.mean(diff <= 0, axis=axis)
    return float(out) if axis is None else out
