# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_partner import RFM_CRON


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_sale_rfm_enabled = fields.Boolean(
        string="Customer Segments",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Recompute the RFM segment of every customer from confirmed sale orders "
        "every day.",
    )

    def _pyme_ai_switches(self):
        return dict(
            super()._pyme_ai_switches(),
            pyme_ai_sale_rfm_enabled=RFM_CRON,
        )

    def action_pyme_ai_sale_rfm_recompute(self):
        return self.env["res.partner"].action_ai_rfm_recompute()
