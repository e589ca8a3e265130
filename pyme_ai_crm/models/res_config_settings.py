# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .pyme_ai_lead_scoring import HOT_PARAM, WARM_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_enabled = fields.Boolean(
        string="Score Leads",
        compute="_compute_pyme_ai_crm_enabled",
        inverse="_inverse_pyme_ai_crm_enabled",
        help="Train the lead scoring model and score leads on schedule.",
    )
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

    @api.depends("company_id")
    def _compute_pyme_ai_crm_enabled(self):
        enabled = self.env["pyme.ai.lead.scoring"]._ai_is_enabled()
        for settings in self:
            settings.pyme_ai_crm_enabled = enabled

    def _inverse_pyme_ai_crm_enabled(self):
        for settings in self:
            self.env["pyme.ai.lead.scoring"]._ai_set_enabled(
                settings.pyme_ai_crm_enabled
            )

    def action_pyme_ai_crm_train_now(self):
        return self.env["pyme.ai.lead.scoring"].action_ai_train_now()
