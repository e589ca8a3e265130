# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .res_partner import RFM_CRON


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_sale_rfm_enabled = fields.Boolean(
        string="Customer Segments",
        compute="_compute_pyme_ai_crm_sale_rfm_enabled",
        inverse="_inverse_pyme_ai_crm_sale_rfm_enabled",
        help="Recompute the RFM segment of every customer from confirmed sale orders "
        "every day.",
    )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_sale_rfm_enabled(self):
        for settings in self:
            settings.pyme_ai_crm_sale_rfm_enabled = self._pyme_ai_cron_active(RFM_CRON)

    def _inverse_pyme_ai_crm_sale_rfm_enabled(self):
        for settings in self:
            self._pyme_ai_set_cron_active(
                RFM_CRON, settings.pyme_ai_crm_sale_rfm_enabled
            )

    def action_pyme_ai_crm_sale_rfm_recompute(self):
        return self.env["res.partner"].action_ai_rfm_recompute()
