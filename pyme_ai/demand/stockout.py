"""Stock-out dates, probabilities and order suggestions from a :class:`DemandModel`.

A thin view of :func:`pyme_ai.demand.projection.project` (one projection per item, day
by day, from which every figure is read; see that module for the definitions):

- ``stockout_date`` / ``days_to_stockout``: first day the stock is more likely out
  than not, within ``max_days``; ``days_of_cover``: the same number of days;
- ``stockout_probability``: chance of being out on some day up to the lead time;
- ``reorder_point`` (Odoo "min"): the calibrated service-level quantile of demand over
  the lead time; ``max_level`` (Odoo "max"): reorder point + expected demand of one
  review period; ``inventory_position`` = on hand + every scheduled receipt;
  ``order_qty`` = ``max_level - inventory_position`` when the position is at or below
  the reorder point, else 0.
"""

from __future__ import annotations

import datetime as dt

from .checks import DemandError
from .projection import project

KEYS = (
    "item",
    "today",
    "stockout_date",
    "days_to_stockout",
    "stockout_probability",
    "days_of_cover",
    "reorder_point",
    "max_level",
    "inventory_position",
    "order_qty",
    "mean_daily",
    "method",
)


def stockout(model, *args, max_days=365, **kwargs):
    """One dict per item (see the module docstring): the arguments of
    :func:`.projection.project` after the model, with ``max_days`` as its horizon."""
    rows = project(model, *args, horizon_days=max_days, **kwargs)
    return [{key: row[key] for key in KEYS} for row in rows]


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
