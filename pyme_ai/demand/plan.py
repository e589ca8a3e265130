"""Demand plan: what the stock of every item will do, and what to order.

:func:`plan` combines a fitted :class:`~pyme_ai.demand.model.DemandModel` with today's
stock (on hand, scheduled receipts, lead times) into one plain dict per item, the
values the Odoo adapter stores per product and warehouse:

- ``daily_demand``: mean demand per day over the model's horizon; ``forecast_qty`` =
  ``daily_demand * horizon_days``;
- ``on_hand``, ``incoming_qty`` (sum of the receipts), ``lead_time_days``: the inputs;
- ``stockout_date``, ``stockout_probability``, ``days_of_cover``, ``reorder_point``,
  ``max_level``, ``order_qty``, ``stockout_within_lead`` and the parts of the
  suggestion (``lead_demand``, ``safety_stock``, ``review_demand``,
  ``service_level``, ``order_multiple``, ``vendor_min``; ``late_qty`` of overdue
  receipts): all read from one projection, see :mod:`pyme_ai.demand.projection`;
- ``baseline_error``: backtest RMSSE of the 3-period moving average (None: unknown);
- ``demand_class``, ``method``, ``forecast_error`` (backtest RMSSE of the method, None
  when unknown);
- ``chart``: ``mean`` (the point forecast of the periods covering ``horizon_days``),
  ``days`` (day offsets) with the projected stock ``p50`` / ``p90`` on them,
  ``receipts`` (``[day, qty]``), ``on_hand`` and ``reorder_point``.

Items the model does not know (no demand history) get zero demand, no stock-out date,
no suggestion, class and method ``none``, and a stock-out probability of 1 only when
their stock is already negative.
"""

from __future__ import annotations

import math

from .checks import DemandError
from .projection import project
from .series import PERIOD_DAYS

NONE = "none"


def chart_periods(model, horizon_days):
    """Periods of the model's frequency that cover ``horizon_days``."""
    return max(math.ceil(horizon_days / PERIOD_DAYS[model.freq_]), 1)


def sample_days(n_days, most=120):
    """Day offsets shown in the chart: every day up to ``most`` points, else evenly
    spaced, always ending on the last day."""
    step = max(math.ceil(n_days / most), 1)
    days = list(range(0, n_days + 1, step))
    if days[-1] != n_days:
        days.append(n_days)
    return days


def plan(
    model,
    items,
    on_hand,
    incoming,
    lead_days,
    today=None,
    service_level=0.95,
    review_days=7,
    horizon_days=28,
    order_multiple=None,
    vendor_min=None,
):
    """One dict per item of ``items`` (same order; see the module docstring).

    ``on_hand``, ``incoming`` (lists of ``(date, qty)``), ``lead_days`` and the
    optional ``order_multiple`` / ``vendor_min`` have one entry per item; ``today``
    defaults to the model's first forecast day.
    """
    model.check_fitted()
    items = list(items)
    n = len(items)
    on_hand = [float(q or 0.0) for q in on_hand]
    incoming = [list(r or ()) for r in incoming]
    lead_days = [float(d) for d in lead_days]
    multiple = [float(v or 0.0) for v in (order_multiple or [0.0] * n)]
    minimum = [float(v or 0.0) for v in (vendor_min or [0.0] * n)]
    if not (
        len(on_hand)
        == len(incoming)
        == len(lead_days)
        == len(multiple)
        == len(minimum)
        == n
    ):
        raise DemandError("on_hand, incoming and lead_days need one entry per item")
    periods = chart_periods(model, horizon_days)
    rows = [
        {
            "item": item,
            "daily_demand": 0.0,
            "forecast_qty": 0.0,
            "on_hand": on_hand[i],
            "incoming_qty": sum(float(q) for __, q in incoming[i]),
            "lead_time_days": lead_days[i],
            "stockout_date": None,
            "stockout_probability": 1.0 if on_hand[i] < 0 else 0.0,
            "days_of_cover": None,
            "stockout_within_lead": False,
            "reorder_point": 0.0,
            "max_level": 0.0,
            "order_qty": 0.0,
            "demand_class": NONE,
            "method": NONE,
            "forecast_error": None,
            "baseline_error": None,
            "chart": {"mean": [0.0] * periods},
        }
        for i, item in enumerate(items)
    ]
    known = set(model.items_.tolist())
    modelled = [i for i, item in enumerate(items) if item in known]
    if not modelled:
        return rows
    sel_items = [items[i] for i in modelled]
    results = project(
        model,
        sel_items,
        [on_hand[i] for i in modelled],
        [lead_days[i] for i in modelled],
        [incoming[i] for i in modelled],
        service_level,
        review_days,
        today,
        horizon_days=horizon_days,
        order_multiple=[multiple[i] for i in modelled],
        vendor_min=[minimum[i] for i in modelled],
    )
    index = model.index(sel_items)
    means = model.step_means(periods, index)
    for k, (i, res) in enumerate(zip(modelled, results, strict=True)):
        row = index[k]
        rmsse = float(model.rmsse_[row])
        baseline = getattr(model, "baseline_rmsse_", None)
        baseline = float(baseline[row]) if baseline is not None else math.nan
        days = sample_days(res["days"])
        rows[i].update(
            daily_demand=res["mean_daily"],
            forecast_qty=res["mean_daily"] * horizon_days,
            stockout_date=res["stockout_date"],
            stockout_probability=res["stockout_probability"],
            days_of_cover=res["days_of_cover"],
            stockout_within_lead=res["stockout_within_lead"],
            reorder_point=res["reorder_point"],
            max_level=res["max_level"],
            order_qty=res["order_qty"],
            lead_demand=res["lead_demand"],
            safety_stock=res["safety_stock"],
            review_demand=res["review_demand"],
            service_level=res["service_level"],
            late_qty=res["late_qty"],
            order_multiple=res["order_multiple"],
            vendor_min=res["vendor_min"],
            demand_class=str(model.demand_class_[row]),
            method=res["method"],
            forecast_error=None if math.isnan(rmsse) else rmsse,
            baseline_error=None if math.isnan(baseline) else baseline,
            chart={
                "mean": [round(float(v), 3) for v in means[k]],
                "days": days,
                "p50": [round(float(res["stock"][0.5][d]), 3) for d in days],
                "p90": [round(float(res["stock"][0.9][d]), 3) for d in days],
                "receipts": [[d, round(q, 3)] for d, q in res["receipts"]],
                "on_hand": on_hand[i],
                "reorder_point": res["reorder_point"],
            },
        )
    return rows


def pooled_means(model, group_of, new_groups, min_items=3):
    """Per-period demand of new items from their group (category and warehouse).

    ``group_of(item)`` gives the group of a modelled item (None: no group);
    ``new_groups`` has one group per new item. Returns the mean point forecast of the
    group's modelled items for each new item, or None when the group has fewer than
    ``min_items`` of them or no demand.
    """
    model.check_fitted()
    first = model.step_means(1)[:, 0]
    sums, counts = {}, {}
    for item, mean in zip(model.items_.tolist(), first.tolist(), strict=True):
        group = group_of(item)
        if group is not None:
            sums[group] = sums.get(group, 0.0) + mean
            counts[group] = counts.get(group, 0) + 1
    out = []
    for group in new_groups:
        n = counts.get(group, 0)
        ok = n >= min_items and sums[group] > 0
        out.append(sums[group] / n if ok else None)
    return out
