# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.pyme_ai_whatsapp.tests.common import WhatsappCase


@tagged("post_install", "-at_install")
class TestWhatsappLead(WhatsappCase):
    def _lead(self, **values):
        return self.env["crm.lead"].create(
            dict({"name": "WhatsApp lead", "contact_name": "Luis"}, **values)
        )

    def test_spanish_mexican_colombian_numbers(self):
        self._check_numbers(self._lead)

    def test_partner_country(self):
        partner = self.env["res.partner"].create(
            {"name": "Carla", "country_id": self.co.id, "phone": "601 234 5678"}
        )
        lead = self._lead(partner_id=partner.id, mobile="3001234567", country_id=False)
        # the partner's country (Colombia) is used for the lead's national number
        self.assertTrue(self._url(lead).startswith("https://wa.me/573001234567?"))

    def test_error_in_the_user_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        lead = self._lead(mobile="+34 123").with_context(lang="es_ES")
        with self.assertRaisesRegex(UserError, "es demasiado corto"):
            lead.action_ai_whatsapp()

    def test_invalid_numbers_say_why(self):
        self._check_invalid_numbers(self._lead)
