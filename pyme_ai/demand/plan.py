"""Demand plan: what the stock of every item will do, and what to order.

:func:`plan` combines a fitted :class:`~pyme_ai.demand.model.DemandModel` with today's
stock (on hand, scheduled receipts, lead times) into one plain dict per item, the
values the Odoo adapter stores per product and warehouse:

- ``daily_demand``: mean demand per day over the model's horizon; ``forecast_qty`` =
  ``daily_demand * horizon_days``;
- ``on_hand``, ``incoming_qty`` (sum of the receipts), ``lead_time_days``: the inputs;
- ``stockout_date``, ``stockout_probability``, ``days_of_cover``, ``reorder_point``,
  ``max_level``, ``order_qty``: see :mod:`pyme_ai.demand.stockout`;
- ``stockout_within_lead``: the stock runs out on or before the day a replenishment
  ordered today arrives (``days_to_stockout <= lead_time_days``);
- ``demand_class``, ``method``, ``forecast_error`` (backtest RMSSE of the method, None
  when unknown);
- ``chart``: ``{"mean": [...]}``, the point forecast of the periods covering
  ``horizon_days`` (rounded to 3 decimals).

Items the model does not know (no demand history) get zero demand, no stock-out date,
no suggestion, class and method ``none``, and a stock-out probability of 1 only when
their stock is already negative.
"""

from __future__ import annotations

import math

from .checks import DemandError
from .series import PERIOD_DAYS

NONE = "none"


def chart_periods(model, horizon_days):
    """Periods of the model's frequency that cover ``horizon_days``."""
    return max(math.ceil(horizon_days / PERIOD_DAYS[model.freq_]), 1)


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
):
    """One dict per item of ``items`` (same order; see the module docstring).

    ``on_hand``, ``incoming`` (lists of ``(date, qty)``) and ``lead_days`` have one
    entry per item; ``today`` defaults to the model's first forecast day.
    """
    model.check_fitted()
    items = list(items)
    n = len(items)
    on_hand = [float(q or 0.0) for q in on_hand]
    incoming = [list(r or ()) for r in incoming]
    lead_days = [float(d) for d in lead_days]
    if not len(on_hand) == len(incoming) == len(lead_days) == n:
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
            "chart": {"mean": [0.0] * periods},
        }
        for i, item in enumerate(items)
    ]
    known = set(model.items_.tolist())
    modelled = [i for i, item in enumerate(items) if item in known]
    if not modelled:
        return rows
    sel_items = [items[i] for i in modelled]
    results = model.stockout(
        sel_items,
        [on_hand[i] for i in modelled],
        [lead_days[i] for i in modelled],
        incoming=[incoming[i] for i in modelled],
        service_level=service_level,
        review_days=review_days,
        today=today,
    )
    index = model.index(sel_items)
    means = model.step_means(periods, index)
    for k, (i, res) in enumerate(zip(modelled, results, strict=True)):
        row = index[k]
        rmsse = float(model.rmsse_[row])
        days = res["days_to_stockout"]
        rows[i].update(
            daily_demand=res["mean_daily"],
            forecast_qty=res["mean_daily"] * horizon_days,
            stockout_date=res["stockout_date"],
            stockout_probability=res["stockout_probability"],
            days_of_cover=res["days_of_cover"],
            stockout_within_lead=days is not None and days <= lead_days[i],
            reorder_point=res["reorder_point"],
            max_level=res["max_level"],
            order_qty=res["order_qty"],
            demand_class=str(model.demand_class_[row]),
            method=res["method"],
            forecast_error=None if math.isnan(rmsse) else rmsse,
            chart={"mean": [round(float(v), 3) for v in means[k]]},
        )
    return rows
