# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ai_rfm_date = fields.Date(
        string="Customer Segments Computed On",
        readonly=True,
        copy=False,
        help="Day the AI customer segments of this company were last computed. The "
        "daily cron recomputes the companies not done today.",
    )
