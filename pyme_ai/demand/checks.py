"""Demand errors and the checks of forecast arguments (shared by every module)."""

from __future__ import annotations

from ..base import PymeAiError


class DemandError(PymeAiError):
    """Bad arguments for a forecast (horizon, quantiles, service level, stock)."""


class DemandDataError(DemandError):
    """Input that cannot become a demand history (bad dates, quantities, frequency)."""


def check_horizon(horizon):
    try:
        value = int(horizon)
    except (TypeError, ValueError):
        raise DemandError(f"horizon must be a whole number, got {horizon!r}") from None
    if value < 1 or value != float(horizon):
        raise DemandError(f"horizon must be a positive whole number, got {horizon!r}")
    return value


def check_quantiles(quantiles):
    try:
        levels = tuple(float(q) for q in quantiles)
    except (TypeError, ValueError):
        raise DemandError("quantiles must be numbers between 0 and 1") from None
    if not levels or any(not 0 < q < 1 for q in levels):
        raise DemandError("quantiles must be numbers strictly between 0 and 1")
    return tuple(sorted(set(levels)))
