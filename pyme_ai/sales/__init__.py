"""Sales intelligence for the CRM: deals at risk and best contact time
(:class:`DealRiskModel`), revenue forecast (:class:`RevenueForecastModel`),
insights, KPIs, RFM segments and WhatsApp links. Pure Python + numpy, JSON-safe
outputs; every error derives from :class:`pyme_ai.base.PymeAiError`.
"""

from .contact_time import BANDS, best_contact_time, best_contact_time_by
from .forecast import (
    ClosingDistribution,
    InsufficientHistoryError,
    RevenueForecastModel,
    backtest_forecast,
    forecast_revenue,
)
from .forecast import evaluate as evaluate_revenue_forecast
from .insights import (
    salesperson_activity_insights,
    source_insights,
    stage_stall_insights,
)
from .kpi import acted_on_share, response_time, sales_cycle, stage_funnel, win_rate
from .rfm import SEGMENTS, quintile_scores, rfm_scores, rfm_segments, segment_for
from .risk import (
    RISK_SIGNALS,
    DealRiskModel,
    history_moments,
    learn_signal_risk,
    learn_stage_durations,
    signal_table,
    stage_at,
    usable_intervals,
)
from .risk import evaluate as evaluate_deal_risk
from .whatsapp import InvalidPhoneError, normalize_phone, whatsapp_link

__all__ = [
    "BANDS",
    "RISK_SIGNALS",
    "SEGMENTS",
    "ClosingDistribution",
    "DealRiskModel",
    "InsufficientHistoryError",
    "InvalidPhoneError",
    "RevenueForecastModel",
    "acted_on_share",
    "backtest_forecast",
    "best_contact_time",
    "best_contact_time_by",
    "evaluate_deal_risk",
    "evaluate_revenue_forecast",
    "forecast_revenue",
    "history_moments",
    "learn_signal_risk",
    "learn_stage_durations",
    "normalize_phone",
    "quintile_scores",
    "response_time",
    "rfm_scores",
    "rfm_segments",
    "sales_cycle",
    "salesperson_activity_insights",
    "segment_for",
    "signal_table",
    "source_insights",
    "stage_at",
    "stage_funnel",
    "stage_stall_insights",
    "usable_intervals",
    "whatsapp_link",
    "win_rate",
]
