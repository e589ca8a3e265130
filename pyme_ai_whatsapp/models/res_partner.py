# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "pyme.ai.whatsapp.mixin"]

    def _ai_whatsapp_target(self):
        country = self.country_id or self.commercial_partner_id.country_id
        country = country or self.env.company.country_id
        return (
            self.mobile or self.phone,
            country.code or None,
            self.name,
            self.lang,
        )
