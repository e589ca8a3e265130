"""Candidate forecasting methods, run for all items at once.

Every method gives, at a forecast *origin* ``o`` (the forecast is made after seeing
columns ``< o``), a per-step mean for the next periods. All but seasonal naive are flat:
one level for every step. One pass over time updates the state of every method for every
item (vectorised across items, the loop runs over periods only) and records it at the
requested origins, so rolling-origin backtests cost no more than one fit.

Methods (``y`` = demand, history starts at the first non-zero demand):

- ``naive``: last value. ``ma3``: mean of the last 3 periods (what Odoo's replenishment
  report shows). ``ma<k>``: mean of the last ``k`` periods (one season). ``mean``: mean
  of the whole history.
- ``ses``: simple exponential smoothing ``l <- l + a (y - l)``; ``a`` per item from
  ``SES_ALPHAS`` by the smallest one-step in-sample squared error seen before the
  origin.
- ``croston``: smoothed non-zero size ``z`` and inter-demand interval ``p`` (both with
  ``CROSTON_ALPHA``, updated only in periods with demand); forecast ``z / p``.
  ``sba``: Syntetos-Boylan approximation, ``(1 - a/2) z / p``.
- ``tsb``: Teunter-Syntetos-Babai: size ``z`` (``TSB_ALPHA``, updated on demand) and
  demand probability ``d <- d + b (1[y > 0] - d)`` every period (``TSB_BETA``); forecast
  ``d z``, which decays towards zero when an item stops selling.
- ``snaive``: seasonal naive, the last ``season`` values repeated (only a candidate
  where seasonality is detected).

Smoothing starts with a running mean: the gain of each smoother is ``max(a, 1/k)`` after
``k`` updates, so early levels are plain averages instead of the first value. Before a
second demand Croston's interval is the time elapsed since the first one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from .checks import DemandError
from .classify import detect_seasonality

SES_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5)
CROSTON_ALPHA = 0.1
TSB_ALPHA = 0.1
TSB_BETA = 0.1
SHORT_WINDOW = 3
#: ``ma<k>`` window per frequency (about one season or a month of days).
LONG_WINDOW = {"D": 28, "W": 13, "M": 12}


def flat_methods(freq):
    """Names of the flat methods for a frequency (pooled and snaive come on top)."""
    return (
        "naive",
        "ma3",
        f"ma{LONG_WINDOW[freq]}",
        "mean",
        "ses",
        "croston",
        "sba",
        "tsb",
    )


@dataclass
class Paths:
    """States of every method at each origin.

    ``levels[name]`` is ``(n_origins, n_items)``; ``pattern`` is ``(n_origins, n_items,
    season)`` (nan where the history is shorter than a season); ``stats[name]`` are
    running statistics used for scaling and for the selection features. Values are nan
    where an item has no history yet at that origin.
    """

    origins: np.ndarray
    season: int
    levels: dict = field(default_factory=dict)
    pattern: np.ndarray | None = None
    seasonal: np.ndarray | None = None
    stats: dict = field(default_factory=dict)

    def at(self, origin):
        return int(np.searchsorted(self.origins, origin))


def run_methods(
    values,
    start,
    origins,
    freq,
    season,
    ses_alphas=SES_ALPHAS,
    croston_alpha=CROSTON_ALPHA,
    tsb_alpha=TSB_ALPHA,
    tsb_beta=TSB_BETA,
):
    """Run every method over ``values`` (items x periods) and record it at
    ``origins``."""
    values = np.asarray(values, dtype=float)
    start = np.asarray(start)
    n, width = values.shape
    origins = np.unique(np.asarray(origins, dtype=np.int64))
    if origins.size == 0 or origins[0] < 1 or origins[-1] > width:
        raise DemandError("origins must lie between 1 and the number of periods")
    n_o = origins.size
    long_k = LONG_WINDOW[freq]
    rec = {
        name: np.full((n_o, n), np.nan)
        for name in (
            "ses",
            "croston",
            "sba",
            "tsb",
            "mean",
            "naive",
            "ma3",
            f"ma{long_k}",
        )
    }
    stats = {
        name: np.zeros((n_o, n))
        for name in (
            "length",
            "n_nonzero",
            "sum_sq_nonzero",
            "since_last",
            "sq_diff",
            "abs_diff",
        )
    }
    stats["sum"] = np.zeros((n_o, n))
    n_alpha = len(ses_alphas)
    alphas = np.array(ses_alphas, dtype=float)[None, :]
    default_alpha = int(np.argmin(np.abs(alphas[0] - 0.1)))

    vt = np.ascontiguousarray(values.T)
    s = SimpleNamespace(  # running state of every method, per item
        level=np.zeros((n, n_alpha)),
        sse=np.zeros((n, n_alpha)),
        size=np.zeros(n),  # croston / tsb size (same smoothing constant by default)
        tsb_size=np.zeros(n),
        interval=np.zeros(n),
        prob=np.zeros(n),
        n_demands=np.zeros(n),
        n_intervals=np.zeros(n),
        last_demand=np.full(n, -1.0),
        total=np.zeros(n),
        sum_sq_nz=np.zeros(n),
        sq_diff=np.zeros(n),
        abs_diff=np.zeros(n),
        prev=np.zeros(n),
    )

    next_rec = 0
    for t in range(width + 1):
        while next_rec < n_o and origins[next_rec] == t:
            _record(rec, stats, next_rec, t, start, s, default_alpha, croston_alpha)
            next_rec += 1
        if t == width or next_rec == n_o:
            break
        y = vt[t]
        k = t - start + 1.0  # updates so far, including this period
        act = k >= 1
        if not act.any():
            continue
        nz = act & (y > 0)
        # SES (all alphas at once); one-step error counted from the second period
        err = y[:, None] - s.level
        s.sse += np.where((k >= 2)[:, None], err**2, 0.0)
        gain = np.maximum(alphas, 1.0 / np.maximum(k, 1.0)[:, None])
        s.level = np.where(act[:, None], s.level + gain * err, s.level)
        # Croston sizes and intervals (only on demand)
        s.n_demands = s.n_demands + nz
        g_size = np.maximum(croston_alpha, 1.0 / np.maximum(s.n_demands, 1.0))
        s.size = np.where(nz, s.size + g_size * (y - s.size), s.size)
        g_tsb = np.maximum(tsb_alpha, 1.0 / np.maximum(s.n_demands, 1.0))
        s.tsb_size = np.where(nz, s.tsb_size + g_tsb * (y - s.tsb_size), s.tsb_size)
        new_interval = nz & (s.last_demand >= 0)
        s.n_intervals = s.n_intervals + new_interval
        g_int = np.maximum(croston_alpha, 1.0 / np.maximum(s.n_intervals, 1.0))
        s.interval = np.where(
            new_interval,
            s.interval + g_int * ((t - s.last_demand) - s.interval),
            s.interval,
        )
        s.last_demand = np.where(nz, float(t), s.last_demand)
        # TSB demand probability (every period)
        g_prob = np.maximum(tsb_beta, 1.0 / np.maximum(k, 1.0))
        s.prob = np.where(act, s.prob + g_prob * (nz - s.prob), s.prob)
        # running statistics
        s.total = s.total + np.where(act, y, 0.0)
        s.sum_sq_nz = s.sum_sq_nz + np.where(nz, y * y, 0.0)
        diff = np.where(k >= 2, y - s.prev, 0.0)
        s.sq_diff = s.sq_diff + diff * diff
        s.abs_diff = s.abs_diff + np.abs(diff)
        s.prev = np.where(act, y, s.prev)

    _moving_averages(rec, values, start, origins, long_k)
    pattern, seasonal = _seasonal(values, start, origins, season)
    return Paths(origins, season, rec, pattern, seasonal, stats)


def _record(rec, stats, j, t, start, s, default_alpha, croston_alpha):
    length = t - start
    has = length >= 1
    nan = np.nan
    best = np.where(length >= 3, s.sse.argmin(axis=1), default_alpha)
    rec["ses"][j] = np.where(has, s.level[np.arange(s.level.shape[0]), best], nan)
    # before a second demand the interval is the time since the first one
    elapsed = np.maximum(t - s.last_demand, 1.0)
    p = np.where(s.n_intervals >= 1, np.maximum(s.interval, 1.0), elapsed)
    cro = s.size / p
    rec["croston"][j] = np.where(has, cro, nan)
    rec["sba"][j] = np.where(has, cro * (1 - croston_alpha / 2), nan)
    rec["tsb"][j] = np.where(has, s.prob * s.tsb_size, nan)
    rec["mean"][j] = np.where(has, s.total / np.maximum(length, 1), nan)
    stats["length"][j] = np.maximum(length, 0)
    stats["n_nonzero"][j] = s.n_demands
    stats["sum"][j] = s.total
    stats["sum_sq_nonzero"][j] = s.sum_sq_nz
    stats["since_last"][j] = np.where(
        s.last_demand >= 0, t - s.last_demand - 1, np.maximum(length, 0)
    )
    stats["sq_diff"][j] = s.sq_diff
    stats["abs_diff"][j] = s.abs_diff


def _moving_averages(rec, values, start, origins, long_k):
    cols = np.arange(values.shape[1])
    for j, o in enumerate(origins):
        length = o - start
        has = length >= 1
        rec["naive"][j] = np.where(has, values[:, o - 1], np.nan)
        for k, name in ((SHORT_WINDOW, "ma3"), (long_k, f"ma{long_k}")):
            lo = max(0, o - k)
            window = values[:, lo:o]
            inside = cols[lo:o][None, :] >= start[:, None]
            count = inside.sum(axis=1)
            rec[name][j] = np.where(
                has, window.sum(axis=1) / np.maximum(count, 1), np.nan
            )


def _seasonal(values, start, origins, season):
    n = values.shape[0]
    pattern = np.full((origins.size, n, season), np.nan)
    seasonal = np.zeros((origins.size, n), dtype=bool)
    for j, o in enumerate(origins):
        if o < season:
            continue
        full = (o - start) >= season
        pattern[j] = np.where(full[:, None], values[:, o - season : o], np.nan)
        seasonal[j] = detect_seasonality(values[:, :o], start, season) & full
    return pattern, seasonal


def steps(level, pattern, horizon):
    """Per-step means ``(..., horizon)`` from a flat level or a seasonal pattern."""
    if pattern is None:
        return np.repeat(np.asarray(level)[..., None], horizon, axis=-1)
    reps = -(-horizon // pattern.shape[-1])
    return np.tile(pattern, reps)[..., :horizon]
