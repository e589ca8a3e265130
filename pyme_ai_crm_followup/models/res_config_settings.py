# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .pyme_ai_followup_rule import FOLLOWUP_CRON


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_followup_enabled = fields.Boolean(
        string="Follow-up Rules",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Run the AI follow-up rules every hour.",
    )

    def _pyme_ai_switches(self):
        return dict(
            super()._pyme_ai_switches(), pyme_ai_crm_followup_enabled=FOLLOWUP_CRON
        )
