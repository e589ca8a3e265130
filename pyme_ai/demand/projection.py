"""One stock projection per item, from which every stock figure is read.

For each item, day ``k = 0 .. K`` after ``today`` (``K`` = ``max(horizon_days,
lead time + review period)``):

- ``A(k)`` = on hand + the confirmed receipts scheduled on or before ``today + k``
  (receipts already late count from day 0 and are reported as ``late_qty``);
- ``D(k)`` = demand over the first ``k`` days, a calibrated negative binomial (see
  :mod:`.dist`; ``C(k)`` its point forecast, spread evenly over each period's days);
- the projected stock at level ``q`` is ``A(k) - Q_q(D(k))``: ``stock[0.5]`` the median
  path, ``stock[0.9]`` the path when demand is as high as it gets nine times out of ten
  (the chart's band lies between them), ``stock_mean`` = ``A(k) - C(k)``.

Read from it, so they cannot contradict each other:

- ``days_to_stockout`` = the first day the stock is more likely out than not
  (``P(D(k) > A(k)) > 1/2``, i.e. the median path below what demand takes); the
  ``stockout_date`` is ``today`` plus that many days and ``days_of_cover`` is the same
  number (None: not within the ``K`` days projected);
- ``stockout_probability`` = the chance of being out on some day up to the lead time
  ``L``: the largest ``P(D(k) > A(k))`` over ``k <= L`` (the worst days are the last
  before each receipt and day ``L``: ``A`` only rises at receipts, ``D`` only grows).
  The stock-out date falls within the lead time exactly when this is above one half; the
  0.9 path staying at or above zero up to ``L`` means it is at most 10 %;
- ``reorder_point`` = the ``SL``-quantile of ``D(L)`` (``lead_demand`` = ``C(L)``, the
  rest is ``safety_stock``); ``max_level`` = ``reorder_point + review_demand``
  (``C(L + R) - C(L)``);
- ``order_qty`` = ``max_level - position`` (position = on hand + every receipt) when the
  position is at or below the reorder point, rounded up to the order multiple and to at
  least the vendor minimum; 0 otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from . import dist
from .checks import DemandError
from .engine import calibration_groups
from .series import PERIOD_DAYS, period_start, to_days

#: Quantile levels of the projected stock (median and the chart's pessimistic edge).
LEVELS = (0.5, 0.9)
MAX_DAYS = 730


def _values(value, n, name):
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise DemandError(f"{name} must have one value per item")
    if not np.isfinite(arr).all():
        raise DemandError(f"{name} must be numbers")
    return arr


def daily_cumulative(model, rows, means, n_days):
    """Cumulative demand at day boundaries ``0..n_days`` from each item's first
    forecast day (``means(horizon, rows)`` gives per-period means)."""
    first = model.first_period_[rows]
    per = PERIOD_DAYS[model.freq_]
    n_steps = int(np.ceil(n_days / min(per, 28.0))) + 2
    step_means = means(n_steps, rows)
    cum = np.concatenate(
        [np.zeros((len(rows), 1)), np.cumsum(step_means, axis=1)], axis=1
    )
    days = np.arange(n_days + 1, dtype=float)
    out = np.empty((len(rows), n_days + 1))
    for fp in np.unique(first):
        starts = period_start(fp + np.arange(n_steps + 1), model.freq_)
        bounds = (starts - starts[0]).astype(float)
        for k in np.flatnonzero(first == fp):
            out[k] = np.interp(days, bounds, cum[k])
    return out


def calibrated_cdf(x, mean_u, var, calib):
    """``P(D <= x)`` in units, consistent with the calibrated quantiles: the raw
    negative-binomial CDF mapped back through the calibration map."""
    raw = dist.nb_cdf(np.floor(np.asarray(x) + 1e-9), mean_u, var)
    grid = np.r_[0.0, dist.GRID, 1.0]
    values = np.r_[0.0, calib, 1.0]
    return np.interp(raw, values, grid)


def project(
    model,
    items,
    on_hand,
    lead_time_days,
    incoming=None,
    service_level=0.95,
    review_days=7,
    today=None,
    horizon_days=28,
    order_multiple=0.0,
    vendor_min=0.0,
):
    """One projection dict per item (see the module docstring)."""
    items = list(items)
    n = len(items)
    try:
        rows = model.index(items)
    except KeyError as exc:
        raise DemandError(f"item {exc.args[0]!r} is not in the model") from None
    on_hand = _values(on_hand, n, "on_hand")
    lead = _values(lead_time_days, n, "lead_time_days")
    review = _values(review_days, n, "review_days")
    level = _values(service_level, n, "service_level")
    multiple = _values(order_multiple, n, "order_multiple")
    minimum = _values(vendor_min, n, "vendor_min")
    if (lead < 0).any() or (review < 0).any():
        raise DemandError("lead times and review periods must not be negative")
    if ((level <= 0) | (level >= 1)).any():
        raise DemandError("service_level must be strictly between 0 and 1")
    if (lead + review > MAX_DAYS).any() or not 1 <= horizon_days <= MAX_DAYS:
        raise DemandError(f"projections are limited to {MAX_DAYS} days")
    incoming = list(incoming) if incoming is not None else [[] for _ in range(n)]
    if len(incoming) != n:
        raise DemandError("incoming must have one list of (date, qty) per item")
    if not n:
        return []
    first_day = period_start(model.first_period_[rows], model.freq_)
    today_d = first_day if today is None else np.full(n, to_days([today])[0])
    offset = np.maximum((today_d - first_day).astype(np.int64), 0)
    K = int(max(horizon_days, math.ceil((lead + review).max())))
    n_days = int(offset.max() + K + 1)
    point = daily_cumulative(model, rows, model.step_means, n_days)
    center = daily_cumulative(model, rows, model.dist_means, n_days)
    idx = np.arange(n)[:, None]
    days = offset[:, None] + np.arange(K + 1)[None, :]
    mean_path = point[idx, days] - point[np.arange(n), offset][:, None]
    center_path = center[idx, days] - center[np.arange(n), offset][:, None]

    arrivals = np.zeros((n, K + 1))
    late = np.zeros(n)
    total_incoming = np.zeros(n)
    receipts_out = []
    for i, receipts in enumerate(incoming):
        kept = []
        for when, qty in receipts or ():
            d = int((to_days([when])[0] - today_d[i]).astype(np.int64))
            qty = float(qty)
            total_incoming[i] += qty
            if d < 0:
                late[i] += qty
            if d <= K:
                arrivals[i, max(d, 0)] += qty
                kept.append((max(d, 0), qty))
        receipts_out.append(kept)
    available = on_hand[:, None] + np.cumsum(arrivals, axis=1)

    b, calib = model.calibration(rows)
    unit = model.unit_[rows]
    disp = model.dispersion_[rows] / unit
    m_u = center_path / unit[:, None]
    var = dist.nb_variance(m_u, disp[:, None], b[:, None])
    avail_u = available / unit[:, None]
    p_out = np.zeros((n, K + 1))
    quantiles = {q: np.zeros((n, K + 1)) for q in LEVELS}
    rop = np.zeros(n)
    lead_idx = np.minimum(np.ceil(lead - 1e-9).astype(np.int64), K)
    for sel, __, g in calibration_groups(b, calib):
        p_out[sel] = 1.0 - calibrated_cdf(avail_u[sel], m_u[sel], var[sel], g)
        qs = dist.nb_quantiles(dist.apply_map(LEVELS, g), m_u[sel], var[sel])
        for k, q in enumerate(LEVELS):
            quantiles[q][sel] = qs[k] * unit[sel][:, None]
        rows_sel = np.flatnonzero(sel)
        for lvl in np.unique(level[sel]):
            pick = rows_sel[level[rows_sel] == lvl]
            j = lead_idx[pick]
            q = dist.nb_quantiles(dist.apply_map([lvl], g), m_u[pick, j], var[pick, j])[
                0
            ]
            rop[pick] = q * unit[pick]
    p_out = np.where(available < 0, 1.0, np.where(center_path <= 0, 0.0, p_out))
    p_out = np.clip(p_out, 0.0, 1.0)
    out_days = p_out > 0.5
    has_out = out_days.any(axis=1)
    first_out = np.where(has_out, out_days.argmax(axis=1), -1)
    within = np.arange(K + 1)[None, :] <= lead_idx[:, None]
    prob = np.where(within, p_out, 0.0).max(axis=1)

    lead_demand = mean_path[np.arange(n), lead_idx]
    review_idx = np.minimum(np.ceil(lead + review - 1e-9).astype(np.int64), K)
    review_demand = mean_path[np.arange(n), review_idx] - lead_demand
    whole = unit == 1.0
    max_level = rop + review_demand
    max_level = np.where(whole, np.ceil(max_level - 1e-9), max_level)
    position = on_hand + total_incoming
    order = np.where(position <= rop, np.maximum(max_level - position, 0.0), 0.0)
    order = np.where(whole, np.ceil(order - 1e-9), order)
    order = np.where(
        (order > 0) & (multiple > 0),
        np.ceil(order / np.maximum(multiple, 1e-12) - 1e-9) * multiple,
        order,
    )
    order = np.where(order > 0, np.maximum(order, minimum), order) + 0.0
    mean_daily = model.mean_daily(rows=None)[rows]

    result = []
    for i, item in enumerate(items):
        d = int(first_out[i])
        result.append(
            {
                "item": item,
                "today": today_d[i].item(),
                "days": K,
                "available": available[i],
                "mean_demand": mean_path[i],
                "stock_mean": available[i] - mean_path[i],
                "stock": {q: available[i] - quantiles[q][i] for q in LEVELS},
                "stockout_by_day": p_out[i],
                "receipts": receipts_out[i],
                "late_qty": float(late[i]),
                "stockout_date": (today_d[i] + np.timedelta64(d, "D")).item()
                if d >= 0
                else None,
                "days_to_stockout": d if d >= 0 else None,
                "days_of_cover": float(d) if d >= 0 else None,
                "stockout_probability": float(prob[i]),
                "stockout_within_lead": bool(d >= 0 and d <= lead_idx[i]),
                "lead_time_days": float(lead[i]),
                "lead_demand": float(lead_demand[i]),
                "safety_stock": float(rop[i] - lead_demand[i]),
                "review_demand": float(review_demand[i]),
                "service_level": float(level[i]),
                "reorder_point": float(rop[i]),
                "max_level": float(max_level[i]),
                "inventory_position": float(position[i]),
                "order_qty": float(order[i]),
                "order_multiple": float(multiple[i]),
                "vendor_min": float(minimum[i]),
                "mean_daily": float(mean_daily[i]),
                "method": str(model.method_[rows[i]]),
            }
        )
    return result


def format_probability(p):
    """Whole percents, never a false certainty: ``"< 1 %"``, ``"37 %"``, ``"> 99 %"``
    (the number as text; the Odoo adapter formats it in the reader's language)."""
    if p is None:
        return ""
    pct = float(p) * 100
    if pct < 1:
        return "< 1 %"
    if pct > 99:
        return "> 99 %"
    return f"{round(pct):d} %"
