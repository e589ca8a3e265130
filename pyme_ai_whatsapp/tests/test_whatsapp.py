# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestWhatsappPartner(WhatsappCase):
    def _partner(self, **values):
        return self.env["res.partner"].create(dict({"name": "Luis"}, **values))

    def test_spanish_mexican_colombian_numbers(self):
        self._check_numbers(self._partner)

    def test_mobile_first_then_company_country(self):
        partner = self._partner(
            name="Carla", country_id=self.co.id, phone="601 234 5678"
        )
        self.assertTrue(
            self._url(partner).startswith(
                "https://wa.me/576012345678?text=Hello%20Carla"
            )
        )
        partner.mobile = "321 123 4567"
        self.assertTrue(self._url(partner).startswith("https://wa.me/573211234567?"))
        # a contact of a Colombian company
        company = self._partner(
            name="Carla SAS", is_company=True, country_id=self.co.id
        )
        contact = self._partner(name="Pedro", parent_id=company.id)
        contact.mobile = "300 123 4567"
        self.assertTrue(self._url(contact).startswith("https://wa.me/573001234567?"))

    def test_message_in_the_contact_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        partner = self._partner(name="Marta", mobile="+34612345678", lang="es_ES")
        self.assertEqual(
            self._url(partner),
            "https://wa.me/34612345678?text=Hola%20Marta%2C%20soy%20Ana%20de%20Pyme.",
        )
        # the error speaks the user's language
        partner = self._partner(mobile="+34 123").with_context(lang="es_ES")
        with self.assertRaisesRegex(UserError, "es demasiado corto"):
            partner.action_ai_whatsapp()

    def test_invalid_numbers_say_why(self):
        self._check_invalid_numbers(self._partner)
