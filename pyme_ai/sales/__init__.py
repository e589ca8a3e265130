"""Sales helpers for the CRM: WhatsApp links, deals at risk, revenue forecast, best
contact time, insights, RFM segments and KPIs. Pure Python + numpy, JSON-safe outputs.
"""

from .contact_time import BANDS, best_contact_time, best_contact_time_by
from .forecast import (
    ClosingDistribution,
    InsufficientHistoryError,
    backtest_forecast,
    forecast_revenue,
)
from .insights import (
    salesperson_activity_insights,
    source_insights,
    stage_stall_insights,
)
from .kpi import acted_on_share, response_time, sales_cycle, stage_funnel, win_rate
from .rfm import SEGMENTS, quintile_scores, rfm_segments, segment_for
from .risk import deals_at_risk, learn_stage_durations
from .whatsapp import InvalidPhoneError, normalize_phone, whatsapp_link

__all__ = [
    "BANDS",
    "SEGMENTS",
    "ClosingDistribution",
    "InsufficientHistoryError",
    "InvalidPhoneError",
    "acted_on_share",
    "backtest_forecast",
    "best_contact_time",
    "best_contact_time_by",
    "deals_at_risk",
    "forecast_revenue",
    "learn_stage_durations",
    "normalize_phone",
    "quintile_scores",
    "response_time",
    "rfm_segments",
    "sales_cycle",
    "salesperson_activity_insights",
    "segment_for",
    "source_insights",
    "stage_funnel",
    "stage_stall_insights",
    "whatsapp_link",
    "win_rate",
]
