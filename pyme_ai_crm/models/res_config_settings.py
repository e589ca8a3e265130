# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .pyme_ai_lead_scoring import HOT_PARAM, WARM_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_hot_threshold = fields.Integer(
        string="Hot From Score",
        config_parameter=HOT_PARAM,
        help="Leads scoring at least this much are hot. 0: 1.5 times your win rate "
        "(at most halfway to 100).",
    )
    pyme_ai_crm_warm_threshold = fields.Integer(
        string="Warm From Score",
        config_parameter=WARM_PARAM,
        help="Leads scoring at least this much (and less than hot) are warm. "
        "0: your win rate (the share of closed deals you win).",
    )
    pyme_ai_crm_tiers_in_use = fields.Char(
        string="Tiers in Use", compute="_compute_pyme_ai_crm_tiers_in_use"
    )

    @api.depends("company_id")
    @api.depends_context("lang")
    def _compute_pyme_ai_crm_tiers_in_use(self):
        """The thresholds of the company's active model, with the win rate behind."""
        for settings in self:
            scoring = self.env["pyme.ai.lead.scoring"]
            model = self.env["pyme.ai.model"].sudo()._get_active(scoring._ai_kind)
            report = model.report or {}
            thresholds = report.get("thresholds")
            closed = (report.get("won") or 0) + (report.get("lost") or 0)
            if not thresholds or not closed:
                settings.pyme_ai_crm_tiers_in_use = False
                continue
            settings.pyme_ai_crm_tiers_in_use = self.env._(
                "Hot from %(hot)s, warm from %(warm)s (your win rate: %(rate)s%%).",
                hot=thresholds["hot"],
                warm=thresholds["warm"],
                rate=round(100 * report["won"] / closed),
            )
