"""Count distributions for cumulative demand, and their calibration.

Cumulative demand ``S`` over the next ``h`` periods is negative binomial with mean
``M`` (the sum of the per-step means) and variance

    V = d * M + b * M**2        (never below M: Poisson at least)

``d`` is the item's index of dispersion (per-period variance / mean of its history, at
least 1): the spread of demand around its level. ``b`` is a squared relative error of
the level itself, shared by all items and chosen on the backtest. Demand that is not
whole numbers is counted in small units (``unit``), so the same formulas give
continuous-looking quantiles.

Calibration (:func:`calibration_map`): the backtest gives, for every item and origin,
the "lower PIT" ``u = F(S - 1)`` of the actual cumulative demand ``S``. ``S <= Q(q')``
holds exactly when ``u < q'``, so using the level ``q' = g(q)``, the ``q``-quantile of
``u``, makes the share of backtest outcomes below the reported ``q``-quantile equal to
``q``. ``g`` is kept on a grid and interpolated, and is monotone, so quantiles never
cross. With many items each backtest origin gets its own map and :func:`envelope` keeps
the widest, because shocks shared by all items (a good or bad year) move whole horizons.

The quantiles of the per-item choice are built around the reference method's level
(the ``pooled`` blend when it can be fitted; seasonal naive keeps its own pattern): a
method chosen for its point accuracy may forecast exactly zero (``naive`` after a run
of zeros), which would give a distribution with no room for a sale at all.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

#: Means (in units) up to this are computed exactly; above it a Wilson-Hilferty gamma
#: approximation with continuity correction is used.
EXACT_MAX_MEAN = 200.0
#: Quantile levels on which the calibration map is stored.
GRID = np.array(
    [
        0.01,
        0.02,
        0.05,
        0.1,
        0.15,
        0.2,
        0.25,
        0.3,
        0.35,
        0.4,
        0.45,
        0.5,
        0.55,
        0.6,
        0.65,
        0.7,
        0.75,
        0.8,
        0.85,
        0.9,
        0.925,
        0.95,
        0.975,
        0.99,
        0.995,
    ]
)
_erf = np.vectorize(math.erf, otypes=[float])


def nb_variance(mean, dispersion, b):
    mean = np.asarray(mean, dtype=float)
    return np.maximum(np.asarray(dispersion) * mean + b * mean**2, mean)


def nb_params(mean, var):
    """NB size ``r`` and success-ratio ``m / (r + m)``; Poisson when var ~ mean."""
    mean = np.maximum(np.asarray(mean, dtype=float), 0.0)
    var = np.maximum(np.asarray(var, dtype=float), mean)
    excess = var - mean
    r = np.where(
        excess > 1e-9 * np.maximum(mean, 1e-12),
        mean**2 / np.maximum(excess, 1e-300),
        1e9,
    )
    r = np.minimum(r, 1e9)
    ratio = mean / (r + mean + 1e-300)
    return r, ratio


def _start(mean, var):
    """``P(S = 0)`` and the pieces of ``P(k + 1) / P(k)``, Poisson included."""
    r, ratio = nb_params(mean, var)
    poisson = r >= 1e9
    pmf0 = np.where(
        poisson, np.exp(-mean), np.exp(r * np.log1p(-np.minimum(ratio, 1 - 1e-15)))
    )
    return pmf0, r, ratio, poisson


def _next(pmf, k, mean, r, ratio, poisson):
    return pmf * np.where(poisson, mean / (k + 1), (k + r) / (k + 1) * ratio)


def _exact_table(mean, var, kmax):
    """CDF rows ``F(0..kmax)`` for each (mean, var): ``(len, kmax + 1)``."""
    pmf, r, ratio, poisson = _start(mean, var)
    out = np.empty((mean.size, kmax + 1))
    cdf = pmf.copy()
    out[:, 0] = cdf
    for k in range(kmax):
        pmf = _next(pmf, k, mean, r, ratio, poisson)
        cdf = cdf + pmf
        out[:, k + 1] = cdf
    return np.minimum(out, 1.0)


def _gamma_shape_scale(mean, var):
    mean = np.maximum(mean, 1e-12)
    var = np.maximum(var, mean)
    return mean**2 / var, var / mean


def _kmax(mean, var):
    return int(np.ceil(np.max(mean + 12 * np.sqrt(var) + 20))) if mean.size else 0


def nb_cdf(k, mean, var):
    """``P(S <= k)`` for NB(mean, var); ``k`` may be any real (floored), < 0 gives 0."""
    k = np.floor(np.asarray(k, dtype=float))
    mean, var = np.broadcast_arrays(
        np.asarray(mean, dtype=float), np.asarray(var, dtype=float)
    )
    k = np.broadcast_to(k, mean.shape)
    out = np.zeros(mean.shape)
    flat_k, flat_m, flat_v = k.ravel(), mean.ravel(), var.ravel()
    res = out.ravel()
    zero = flat_m <= 0
    res[zero] = (flat_k[zero] >= 0).astype(float)
    small = ~zero & (flat_m <= EXACT_MAX_MEAN) & (flat_k >= 0)
    if small.any():
        kk = np.minimum(flat_k[small], 10**7).astype(np.int64)
        kmax = min(int(kk.max()), _kmax(flat_m[small], flat_v[small]))
        table = _exact_table(flat_m[small], flat_v[small], kmax)
        res[small] = np.where(
            kk > kmax, 1.0, table[np.arange(kk.size), np.minimum(kk, kmax)]
        )
    big = ~zero & (flat_m > EXACT_MAX_MEAN) & (flat_k >= 0)
    if big.any():
        shape, scale = _gamma_shape_scale(flat_m[big], flat_v[big])
        x = (flat_k[big] + 0.5) / (shape * scale)
        c = 1.0 / (9.0 * shape)
        z = (np.cbrt(x) - (1.0 - c)) / np.sqrt(c)
        res[big] = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
    return res.reshape(mean.shape)


def nb_quantiles(levels, mean, var):
    """Smallest ``k`` with ``P(S <= k) >= q`` for each level: ``(len(levels),) +
    shape``."""
    levels = [float(q) for q in np.atleast_1d(levels)]
    mean, var = np.broadcast_arrays(
        np.asarray(mean, dtype=float), np.asarray(var, dtype=float)
    )
    flat_m, flat_v = mean.ravel(), var.ravel()
    out = np.zeros((len(levels), flat_m.size))
    small = (flat_m > 0) & (flat_m <= EXACT_MAX_MEAN)
    if small.any():
        m, v = flat_m[small], flat_v[small]
        kmax = _kmax(m, v)
        pmf, r, ratio, poisson = _start(m, v)
        cdf = pmf.copy()
        found = [np.where(cdf >= q, 0, -1) for q in levels]
        for k in range(kmax):
            pmf = _next(pmf, k, m, r, ratio, poisson)
            cdf = cdf + pmf
            for f, q in zip(found, levels, strict=True):
                f[(f < 0) & (cdf >= q)] = k + 1
            if all((f >= 0).all() for f in found):
                break
        for i, f in enumerate(found):
            out[i, small] = np.where(f < 0, kmax, f)
    big = flat_m > EXACT_MAX_MEAN
    if big.any():
        shape, scale = _gamma_shape_scale(flat_m[big], flat_v[big])
        c = 1.0 / (9.0 * shape)
        for i, q in enumerate(levels):
            z = NormalDist().inv_cdf(min(max(q, 1e-9), 1 - 1e-9))
            x = shape * scale * np.maximum(1.0 - c + z * np.sqrt(c), 0.0) ** 3
            out[i, big] = np.maximum(np.ceil(x - 0.5), 0.0)
    return out.reshape((len(levels),) + mean.shape)


# ---------------------------------------------------------------------------
# calibration
def lower_pit(actual, mean, var):
    """``F(S - 1)``: the calibration statistic of each outcome (see module
    docstring)."""
    return nb_cdf(np.ceil(np.asarray(actual, dtype=float) - 1e-9) - 1.0, mean, var)


def calibration_map(pit):
    """Calibrated levels ``g(GRID)`` from backtest lower-PIT values (identity if too
    few)."""
    pit = np.asarray(pit, dtype=float)
    pit = pit[np.isfinite(pit)]
    if pit.size < 30:
        return GRID.copy()
    g = np.quantile(pit, GRID, method="higher") + 1e-9
    g = np.maximum.accumulate(np.clip(g, 1e-4, 0.999))
    return g


def envelope(maps, q=1.0):
    """Cautious combination of per-origin maps: the widest interval any backtest origin
    needed.

    Levels above one half take the largest calibrated level, levels below the smallest,
    the median the median: demand shocks shared by all items make some horizons harder
    than others, and a model that covers every backtest origin holds up better on the
    next one. ``q`` below 1 takes that quantile of the origins' levels instead of
    the extreme (for demand classes, whose per-origin maps are noisier).
    """
    if not maps:
        return GRID.copy()
    stack = np.vstack(maps)
    out = np.median(stack, axis=0)
    upper, lower = GRID > 0.5, GRID < 0.5
    out[upper] = np.quantile(stack[:, upper], q, axis=0)
    out[lower] = np.quantile(stack[:, lower], 1.0 - q, axis=0)
    return np.minimum(np.maximum.accumulate(out), 0.999)


def apply_map(levels, calib):
    """Calibrated level for each requested level (linear between grid points)."""
    levels = np.asarray(levels, dtype=float)
    grid = np.r_[0.0, GRID, 1.0]
    values = np.r_[0.0, calib, 1.0]
    return np.interp(levels, grid, values)
