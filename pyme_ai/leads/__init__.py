"""Lead scoring: learnt P(won) with tiers and per-lead reasons (see :mod:`.model`)."""

from .contact import (
    derive_contact_columns,
    detect_roles,
    email_features,
    phone_features,
)
from .model import (
    DEFAULT_MIN_PER_CLASS,
    TIERS,
    InsufficientDataError,
    LeadModel,
    evaluate,
    format_reasons,
    parse_target,
    tiers_for,
    train,
)

__all__ = [
    "DEFAULT_MIN_PER_CLASS",
    "TIERS",
    "InsufficientDataError",
    "LeadModel",
    "derive_contact_columns",
    "detect_roles",
    "email_features",
    "evaluate",
    "format_reasons",
    "parse_target",
    "phone_features",
    "tiers_for",
    "train",
]
