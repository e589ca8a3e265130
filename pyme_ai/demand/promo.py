"""Known promotions: learnt uplift, de-promoted baseline, used only when it helps.

Input: per item and period a promotion *intensity* in ``[0, 1]`` (the share of the
period's units sold at a discount, or the share of its days inside a promotion
period), for the history (``past``, aligned with the history matrix) and for the
periods after it (``future``, known promotions over the horizon).

Model: ``demand = baseline * (1 + u_i * p)``. The uplift ``u_i`` is learnt from the
history before the evaluation level (``T - H``): each promoted period is compared with
the item's local baseline (the mean of the de-promoted demand of the ``WINDOW``
periods on either side, without the period itself; two passes), in units of the
item's mean demand; items' estimates are shrunk toward the pooled one
(``SHRINK`` promoted periods weigh as much as the pool) and kept within ``U_RANGE``.

The history is de-promoted (divided by ``1 + u_i * p``), the engine runs on it as
usual (method choice, calibration) and known future promotions multiply its forecast.
Decision (one per history, i.e. per company): both engines forecast the last ``H``
periods as if unknown (the promoted one with the recorded promotions as known
future ones) and promotions are used only when the per-item RMSSE (scaled as the
plain engine scales it) falls by more than ``GAIN_SE`` standard errors of the items'
paired differences; otherwise the plain forecast stays and the report says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace

import numpy as np

from .. import evaluation
from .checks import DemandDataError
from .series import DemandHistory, period_index, period_start, to_days

WINDOW = 6
SHRINK = 4.0
U_RANGE = (-0.5, 5.0)
GAIN_SE = 2.0
#: Report statuses: used; not used because the error did not fall; no promoted
#: period in the history; history too short to judge.
USED, NO_GAIN, NO_PROMOTIONS, TOO_SHORT = "used", "no_gain", "none", "short"


def align(history, promotions, horizon):
    """``(past, future)`` intensities ``(n, T)`` and ``(n, horizon)``.

    ``promotions`` is a pair of such arrays, or a mapping of long arrays ``items``,
    ``dates`` and ``share`` (intensity in ``[0, 1]`` of the item's promotion in the
    period of each date), and optionally ``end``: then each row runs from its date to
    its ``end`` (included) and gives each period it overlaps ``share`` times the
    share of the period's days it covers. Several rows of one period keep the
    largest. Periods after an item's history are future promotions; unknown items
    and dates outside both ranges are ignored.
    """
    n, width = history.values.shape
    if not isinstance(promotions, Mapping):
        past, future = (np.asarray(a, dtype=float) for a in promotions)
        if past.shape != (n, width) or future.ndim != 2 or future.shape[0] != n:
            raise DemandDataError("promotion arrays must have one row per item")
        out = np.zeros((n, horizon))
        k = min(horizon, future.shape[1])
        out[:, :k] = future[:, :k]
        return np.clip(np.nan_to_num(past), 0, 1), np.clip(np.nan_to_num(out), 0, 1)
    grid = np.zeros((n, width + horizon))
    items = np.asarray(promotions.get("items", []), dtype=object)
    if items.size:
        lookup = {item: i for i, item in enumerate(history.items.tolist())}
        rows = np.array([lookup.get(item, -1) for item in items.tolist()])
        share = np.clip(np.asarray(promotions["share"], dtype=float), 0.0, 1.0)
        rows, periods, share = _periods(history, promotions, rows, share, horizon)
        cols = periods - history.end[rows] + width - 1
        inside = (cols >= 0) & (cols < width + horizon)
        np.maximum.at(grid, (rows[inside], cols[inside]), np.nan_to_num(share[inside]))
    return grid[:, :width], grid[:, width:]


def _periods(history, promotions, rows, share, horizon):
    """``(rows, periods, share)`` of known items, periods spread over their days."""
    first = to_days(promotions["dates"])
    if "end" not in promotions:
        ok = rows >= 0
        return rows[ok], period_index(first[ok], history.freq), share[ok]
    lo = period_start(history.end.min() - history.n_periods + 1, history.freq)
    hi = period_start(history.end.max() + horizon + 1, history.freq) - 1
    first = np.maximum(first, lo)
    n_days = (np.minimum(to_days(promotions["end"]), hi) - first).astype(int) + 1
    n_days = np.where(rows >= 0, np.maximum(n_days, 0), 0)
    row = np.repeat(np.arange(rows.size), n_days)
    day = first[row] + (
        np.arange(row.size) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    )
    period = period_index(day, history.freq)
    length = period_start(period + 1, history.freq) - period_start(period, history.freq)
    keys, inverse = np.unique(
        np.column_stack([row, period]), axis=0, return_inverse=True
    )
    covered = np.bincount(inverse.ravel(), 1.0 / length.astype(float), len(keys))
    return rows[keys[:, 0]], keys[:, 1], share[keys[:, 0]] * covered


def uplift(values, start, past):
    """``(u per item, pooled u, promoted periods)`` from the given history."""
    n, width = values.shape
    inside = np.arange(width)[None, :] >= np.asarray(start)[:, None]
    p = np.where(inside, past, 0.0)
    count = inside.sum(axis=1)
    mean = np.where(inside, values, 0.0).sum(axis=1) / np.maximum(count, 1)
    promoted = int((p > 0).sum())
    u = np.zeros(n)
    pooled = 0.0
    if not promoted:
        return u, pooled, promoted
    weight = inside * (1.0 - p)  # first pass: the promoted share left out
    adjusted = values
    for __ in range(2):
        base = _local_mean(adjusted * weight, weight, mean)
        scale = np.maximum(mean, 1e-12)[:, None]
        num = (p * (values - base) / scale).sum(axis=1)
        den = (p * p * base / scale).sum(axis=1)
        pooled = float(np.clip(num.sum() / den.sum(), *U_RANGE)) if den.sum() else 0.0
        u = np.clip((num + SHRINK * pooled) / (den + SHRINK), *U_RANGE)
        u = np.where(mean > 0, u, 0.0)
        adjusted = values / (1.0 + u[:, None] * p)
        weight = inside.astype(float)
    return u, pooled, promoted


def _local_mean(sums, weight, fallback):
    """Weighted mean of the ``WINDOW`` periods either side, the period left out."""
    pad = np.zeros((sums.shape[0], 1))
    cs = np.cumsum(np.hstack([pad, sums]), axis=1)
    cw = np.cumsum(np.hstack([pad, weight]), axis=1)
    width = sums.shape[1]
    lo = np.clip(np.arange(width) - WINDOW, 0, width)
    hi = np.clip(np.arange(width) + WINDOW + 1, 0, width)
    s = cs[:, hi] - cs[:, lo] - sums
    w = cw[:, hi] - cw[:, lo] - weight
    return np.where(w > 0, s / np.maximum(w, 1e-12), fallback[:, None])


def depromoted(history, past, u):
    """The history divided by ``1 + u * p`` (zeros and the first sale unchanged)."""
    values = history.values / (1.0 + u[:, None] * past)
    return DemandHistory(
        history.items, values, history.start, history.end, history.freq
    )


def decide(plain, promoted, level, factor):
    """Report of the held-out comparison at ``level`` (see the module docstring);
    ``factor`` ``(n, H)`` multiplies the promoted engine's forecast there."""
    y = plain.outcome(level)
    scale = plain.scales(level)[0]
    c0, __ = plain.select(level)
    c1, __ = promoted.select(level)
    r0 = evaluation.rmsse_error(y, plain.chosen_steps(c0, level), scale=scale, axis=1)
    f1 = promoted.chosen_steps(c1, level) * factor
    r1 = evaluation.rmsse_error(y, f1, scale=scale, axis=1)
    ok = np.isfinite(r0) & np.isfinite(r1) & (c0 >= 0)
    on_promo = ok & (factor > 1 + 1e-9).any(axis=1)
    diff = (r0 - r1)[ok]
    k = int(ok.sum())
    se = float(diff.std(ddof=1) / np.sqrt(k)) if k >= 2 else float("inf")
    gain = float(diff.mean()) if k else 0.0
    return {
        "status": USED if k >= 2 and gain > GAIN_SE * se else NO_GAIN,
        "rmsse_without": float(r0[ok].mean()) if k else None,
        "rmsse_with": float(r1[ok].mean()) if k else None,
        "promoted_items": int(on_promo.sum()),
        "promoted_rmsse_without": float(r0[on_promo].mean())
        if on_promo.any()
        else None,
        "promoted_rmsse_with": float(r1[on_promo].mean()) if on_promo.any() else None,
        "gain_se": se,
    }


def prepare(plain, promotions, engine_cls):
    """Namespace ``engine`` (the promoted engine when promotions lower the held-out
    error, else ``plain``), ``factor`` (``(n, H)`` over the horizon, None when not
    used), ``level_factor`` (the same at ``T - H``) and ``report``."""
    history, H = plain.history, plain.H
    past, future = align(history, promotions, H)
    level = plain.T - H
    report = {"status": NO_PROMOTIONS, "future_periods": int((future > 0).sum())}
    out = SimpleNamespace(
        engine=plain, plain=plain, factor=None, level_factor=None, report=report
    )
    if not (past[:, : max(level, 0)] > 0).any():
        report["promoted_periods"] = int((past > 0).sum())
        return out
    if level < 2 or level not in set(plain.origins.tolist()):
        report["status"] = TOO_SHORT
        return out
    u, pooled, count = uplift(history.values[:, :level], history.start, past[:, :level])
    engine = engine_cls(depromoted(history, past, u), H, n_backtest=plain.n_backtest)
    engine.integer = plain.integer  # the baseline keeps the series' units
    level_factor = 1.0 + u[:, None] * past[:, level : level + H]
    report.update(
        decide(plain, engine, level, level_factor),
        uplift=pooled,
        promoted_periods=count,
    )
    if report["status"] == USED:
        out.engine, out.factor = engine, 1.0 + u[:, None] * future
        out.level_factor = level_factor
    return out
