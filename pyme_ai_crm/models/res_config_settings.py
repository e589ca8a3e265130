# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .pyme_ai_lead_scoring import HOT_PARAM, WARM_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_hot_threshold = fields.Integer(
        string="Hot From Score",
        config_parameter=HOT_PARAM,
        help="Leads scoring at least this much are hot. 0: learnt from your data.",
    )
    pyme_ai_crm_warm_threshold = fields.Integer(
        string="Warm From Score",
        config_parameter=WARM_PARAM,
        help="Leads scoring at least this much (and less than hot) are warm. "
        "0: learnt from your data.",
    )
