"""Stock-out dates, probabilities and order suggestions from a :class:`DemandModel`.

For each item, with ``today`` (default: the first forecast day), on-hand stock ``I``,
scheduled receipts ``(date, qty)``, lead time ``L`` days, review period ``R`` days and
service level ``SL``; ``C(d)`` = expected cumulative demand over the next ``d`` days
(the per-step forecast spread evenly over the days of each period) and ``A(d)`` = ``I``
plus the receipts dated on or before ``today + d`` (late receipts count as arriving
today):

- ``stockout_date`` = ``today + d*`` with ``d*`` the first day ``d >= 0`` where
  ``C(d) >= A(d)`` (stock exhausted at the end of that day); None when demand is zero or
  it does not happen within ``max_days``.
- ``stockout_probability`` = ``P(D_L > A(L))``: the chance that demand over the lead
  time (negative binomial, see :mod:`pyme_ai.demand.dist`) exceeds what is available
  before an order placed today can arrive.
- ``days_of_cover`` = ``I / mean daily demand`` (None when there is no demand).
- ``reorder_point`` (Odoo "min") = the calibrated ``SL``-quantile of ``D_L``.
- ``max_level`` (Odoo "max") = ``reorder_point + C(L + R) - C(L)``: the reorder point
  plus the expected demand of one review period after the lead time.
- ``inventory_position`` = ``I`` + all scheduled receipts;
  ``order_qty`` = ``max_level - inventory_position`` when the position is at or below
  the reorder point, else 0 (rounded up to whole units for whole-number items).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from . import dist
from .checks import DemandError
from .series import PERIOD_DAYS, period_start, to_days


def _broadcast(value, n, name):
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise DemandError(f"{name} must have one value per item")
    if not np.isfinite(arr).all():
        raise DemandError(f"{name} must be numbers")
    return arr


def _daily_cumulative(model, rows, means, n_days):
    """Cumulative expected demand at day boundaries 0..n_days from each item's first
    day."""
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
        sel = first == fp
        starts = period_start(fp + np.arange(n_steps + 1), model.freq_)
        bounds = (starts - starts[0]).astype(float)
        for k in np.flatnonzero(sel):
            out[k] = np.interp(days, bounds, cum[k])
    return out


def stockout(
    model,
    items,
    on_hand,
    lead_time_days,
    incoming=None,
    service_level=0.95,
    review_days=7,
    today=None,
    max_days=365,
):
    """One dict per item (see the module docstring for every formula)."""
    items = list(items)
    n = len(items)
    try:
        rows = model.index(items)
    except KeyError as exc:
        raise DemandError(f"item {exc.args[0]!r} is not in the model") from None
    on_hand = _broadcast(on_hand, n, "on_hand")
    lead = _broadcast(lead_time_days, n, "lead_time_days")
    review = _broadcast(review_days, n, "review_days")
    level = _broadcast(service_level, n, "service_level")
    if (lead < 0).any() or (review < 0).any():
        raise DemandError("lead times and review periods must not be negative")
    if ((level <= 0) | (level >= 1)).any():
        raise DemandError("service_level must be strictly between 0 and 1")
    incoming = list(incoming) if incoming is not None else [[] for _ in range(n)]
    if len(incoming) != n:
        raise DemandError("incoming must have one list of (date, qty) per item")
    first_day = period_start(model.first_period_[rows], model.freq_)
    if today is None:
        today_d = first_day
    else:
        today_d = np.full(n, to_days([today])[0])
    offset = np.maximum((today_d - first_day).astype(np.int64), 0)
    horizon = int(max_days + np.ceil(lead.max() + review.max())) + 1
    n_days = int(offset.max() + horizon)
    point = _daily_cumulative(model, rows, lambda h, r: model.step_means(h, r), n_days)
    center = _daily_cumulative(model, rows, lambda h, r: model.dist_means(h, r), n_days)
    idx = np.arange(n)[:, None]
    days = offset[:, None] + np.arange(horizon)[None, :]
    demand = point[idx, days] - point[np.arange(n), offset][:, None]

    # receipts on the day grid
    arrivals = np.zeros((n, horizon))
    total_incoming = np.zeros(n)
    for i, receipts in enumerate(incoming):
        for when, qty in receipts or ():
            d = int((to_days([when])[0] - today_d[i]).astype(np.int64))
            qty = float(qty)
            total_incoming[i] += qty
            if d < horizon:
                arrivals[i, max(d, 0)] += qty
    available = on_hand[:, None] + np.cumsum(arrivals, axis=1)
    out_days = (demand >= available) & ((demand > 0) | (available < 0))
    out_days[:, max_days + 1 :] = False
    has_out = out_days.any(axis=1)
    first_out = np.where(has_out, out_days.argmax(axis=1), -1)

    # lead-time demand distribution
    lead_idx = np.minimum(np.round(lead).astype(np.int64), horizon - 1)
    lead_frac_end = offset + lead
    c_lead = (
        np.array(
            [
                np.interp(lead_frac_end[i], np.arange(n_days + 1), center[i])
                for i in range(n)
            ]
        )
        - center[np.arange(n), offset]
    )
    avail_lead = available[np.arange(n), lead_idx]
    unit = model.unit_[rows]
    disp = model.dispersion_[rows]
    m_u = c_lead / unit
    var = dist.nb_variance(m_u, disp / unit, model.var_b_)
    prob = 1.0 - dist.nb_cdf(np.floor(avail_lead / unit + 1e-9), m_u, var)
    prob = np.where(avail_lead < 0, 1.0, prob)
    rop = np.zeros(n)
    for lvl in np.unique(level):
        sel = level == lvl
        q = dist.nb_quantiles(dist.apply_map([lvl], model.calib_), m_u[sel], var[sel])[
            0
        ]
        rop[sel] = q * unit[sel]
    p_lead = np.array(
        [
            np.interp(offset[i] + lead[i], np.arange(n_days + 1), point[i])
            for i in range(n)
        ]
    )
    p_after = np.array(
        [
            np.interp(offset[i] + lead[i] + review[i], np.arange(n_days + 1), point[i])
            for i in range(n)
        ]
    )
    max_level = rop + (p_after - p_lead)
    position = on_hand + total_incoming
    order = np.where(position <= rop, np.maximum(max_level - position, 0.0), 0.0)
    whole = unit == 1.0
    order = np.where(whole, np.ceil(order - 1e-9), order) + 0.0
    max_level = np.where(whole, np.ceil(max_level - 1e-9), max_level)
    mean_daily = model.mean_daily(rows=None)[rows]

    result = []
    for i, item in enumerate(items):
        d = int(first_out[i])
        rate = float(mean_daily[i])
        result.append(
            {
                "item": item,
                "today": today_d[i].item(),
                "stockout_date": (today_d[i] + np.timedelta64(d, "D")).item()
                if d >= 0
                else None,
                "days_to_stockout": d if d >= 0 else None,
                "stockout_probability": float(np.clip(prob[i], 0.0, 1.0)),
                "days_of_cover": float(on_hand[i] / rate) if rate > 0 else None,
                "reorder_point": float(rop[i]),
                "max_level": float(max_level[i]),
                "inventory_position": float(position[i]),
                "order_qty": float(order[i]),
                "mean_daily": rate,
                "method": str(model.method_[rows[i]]),
            }
        )
    return result


def parse_incoming(text):
    """``"2024-05-01:10;2024-06-01:5"`` -> ``[(date(2024, 5, 1), 10.0), ...]``."""
    out = []
    for part in str(text or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        when, sep, qty = part.rpartition(":")
        if not sep:
            raise DemandError(
                f"incoming receipt {part!r} must look like YYYY-MM-DD:qty"
            )
        try:
            out.append((dt.date.fromisoformat(when.strip()), float(qty)))
        except ValueError:
            raise DemandError(
                f"incoming receipt {part!r} must look like YYYY-MM-DD:qty"
            ) from None
    return out
