# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .pyme_ai_demand_forecasting import (
    ACTIVITIES_PARAM,
    DEFAULT_HORIZON,
    DEFAULT_LEAD,
    DEFAULT_REVIEW,
    DEFAULT_SERVICE_LEVEL,
    HORIZON_PARAM,
    LEAD_PARAM,
    REVIEW_PARAM,
    SERVICE_LEVEL_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_inventory_horizon_days = fields.Integer(
        string="Forecast Horizon (days)",
        config_parameter=HORIZON_PARAM,
        default=DEFAULT_HORIZON,
    )
    pyme_ai_inventory_service_level = fields.Float(
        string="Target Service Level",
        config_parameter=SERVICE_LEVEL_PARAM,
        default=DEFAULT_SERVICE_LEVEL,
        digits=(16, 3),
        help="Share of replenishment cycles without a stock-out the suggested "
        "reorder points aim for (between 0.5 and 0.999).",
    )
    pyme_ai_inventory_review_days = fields.Integer(
        string="Review Period (days)",
        config_parameter=REVIEW_PARAM,
        default=DEFAULT_REVIEW,
        help="Days between two purchase reviews: the suggested max covers them.",
    )
    pyme_ai_inventory_default_lead_days = fields.Integer(
        string="Default Lead Time (days)",
        config_parameter=LEAD_PARAM,
        default=DEFAULT_LEAD,
        help="Lead time of products without vendor or route delays.",
    )
    pyme_ai_inventory_activities = fields.Boolean(
        string="Stock-out Activities",
        config_parameter=ACTIVITIES_PARAM,
        help="Schedule a to-do for the product's responsible when it is expected "
        "to run out before a replenishment can arrive.",
    )
