# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    ai_changed_date = fields.Datetime(
        string="AI Account Changed On",
        default=fields.Datetime.now,
        copy=False,
        help="When the account number or its holder were last set: a payment to an "
        "account changed shortly before is flagged.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.setdefault("ai_changed_date", now)
        return super().create(vals_list)

    def write(self, vals):
        if {"acc_number", "partner_id"} & set(vals) and "ai_changed_date" not in vals:
            vals = dict(vals, ai_changed_date=fields.Datetime.now())
        return super().write(vals)
