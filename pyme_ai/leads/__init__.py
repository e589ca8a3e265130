"""Lead scoring: learnt P(won) with tiers, per-lead reasons and score trends.

::

    from pyme_ai import leads

    data = leads.LeadData(table, target)          # table: column -> values
    # several rows per lead (one per stage it passed): name the lead of each row
    data = leads.LeadData(table, target, groups=lead_ids)
    result = leads.evaluate(data, min_per_class=20, random_state=0)
    model = result.model                          # a fitted LeadModel (all rows)
    model.explain(table)     # probability, score (1-100), tier, reasons per lead
    leads.score_trend(previous_scores, model.explain(table)["score"])

or, without a holdout report, ``leads.LeadModel(**hyperparameters).fit(data)``.
"""

from .baselines import logistic_scores, naive_bayes_scores
from .chart import calibration_svg, gains_svg
from .contact import (
    calling_region,
    derive_contact_columns,
    detect_roles,
    email_features,
    phone_features,
    resolve_roles,
)
from .model import (
    DEFAULT_MIN_PER_CLASS,
    InsufficientDataError,
    LeadData,
    LeadModel,
    default_min_count,
    evaluate,
    format_reasons,
    parse_target,
)
from .verdict import holdout_summary
from .tiers import (
    HOT_FACTOR,
    TIERS,
    TREND_DELTA,
    TRENDS,
    fixed_thresholds,
    rate_thresholds,
    score_trend,
    tiers_for,
)

__all__ = [
    "calibration_svg",
    "calling_region",
    "gains_svg",
    "holdout_summary",
    "DEFAULT_MIN_PER_CLASS",
    "TIERS",
    "HOT_FACTOR",
    "TRENDS",
    "TREND_DELTA",
    "InsufficientDataError",
    "LeadData",
    "LeadModel",
    "default_min_count",
    "derive_contact_columns",
    "detect_roles",
    "email_features",
    "evaluate",
    "fixed_thresholds",
    "format_reasons",
    "rate_thresholds",
    "logistic_scores",
    "naive_bayes_scores",
    "parse_target",
    "phone_features",
    "resolve_roles",
    "score_trend",
    "tiers_for",
]
