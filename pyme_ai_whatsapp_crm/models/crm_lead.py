# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "pyme.ai.whatsapp.mixin"]

    def _ai_whatsapp_target(self):
        country = (
            self.country_id
            or self.partner_id.country_id
            or self.company_id.country_id
            or self.env.company.country_id
        )
        return (
            self.mobile or self.phone,
            country.code or None,
            self.contact_name or self.partner_id.name or self.partner_name,
            self.lang_code or self.partner_id.lang,
        )
