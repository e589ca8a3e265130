"""Forecast scores for many items at once.

Row-wise versions of :mod:`pyme_ai.evaluation` (``rmsse``, ``mase``, ``pinball_loss``,
``quantile_coverage``, same definitions; the tests check they agree), averaged over
items. Pinball loss is scaled per item by ``H * MAE scale`` so items of any size can be
averaged.
"""

from __future__ import annotations

import numpy as np


def rmsse_rows(actual, forecast, mse_scale):
    return np.sqrt(np.mean((actual - forecast) ** 2, axis=1) / mse_scale)


def mase_rows(actual, forecast, mae_scale):
    return np.mean(np.abs(actual - forecast), axis=1) / mae_scale


def pinball(actual, quantile, q):
    diff = actual - quantile
    return np.maximum(q * diff, (q - 1) * diff)


def score_rows(actual, mean, cum_quantiles, levels, mse_scale, mae_scale):
    """Average scores over items: RMSSE, MASE, scaled pinball and coverage per level."""
    horizon = actual.shape[1]
    total = actual.sum(axis=1)
    row = {
        "rmsse": float(np.mean(rmsse_rows(actual, mean, mse_scale))),
        "mase": float(np.mean(mase_rows(actual, mean, mae_scale))),
    }
    for k, q in enumerate(levels):
        key = f"{q:g}"
        loss = pinball(total, cum_quantiles[k], q) / (horizon * mae_scale)
        row[f"pinball_{key}"] = float(np.mean(loss))
        row[f"coverage_{key}"] = float(np.mean(total <= cum_quantiles[k]))
    return row
