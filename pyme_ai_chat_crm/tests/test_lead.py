# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.pyme_ai_chat.rate_limit import limiter
from odoo.addons.pyme_ai_chat.tests.common import ChatFixtures


@tagged("post_install", "-at_install")
class TestLead(ChatFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_chat()

    def setUp(self):
        super().setUp()
        limiter.reset()

    def _conversation_with(self, question):
        return self.make_jsonrpc_request(
            "/pyme_ai_chat/message", {"message": question}
        )["token"]

    def _contact(self, token, **values):
        return self.make_jsonrpc_request(
            "/pyme_ai_chat/contact", {"token": token, **values}
        )

    def _conversation(self, token):
        return (
            self.env["pyme.ai.chat.conversation"].sudo().search([("token", "=", token)])
        )

    def test_spanish_phone_lead_with_transcript(self):
        token = self._conversation_with("<b>¿reparan motores?</b>")
        result = self._contact(token, name="Ana", phone="612 34 56 78")
        self.assertTrue(result["ok"])
        lead = self._conversation(token).lead_id
        self.assertTrue(lead)
        self.assertEqual(lead.phone, "+34612345678")
        self.assertEqual(lead.contact_name, "Ana")
        self.assertIn("&lt;b&gt;¿reparan motores?&lt;/b&gt;", lead.description)
        self.assertTrue(self._conversation(token).lead_captured)

    def test_mexican_phone_and_email(self):
        token = self._conversation_with("quiero hablar con una persona")
        result = self._contact(
            token, phone="+52 1 55 1234 5678", email=" Luis@Example.MX "
        )
        self.assertTrue(result["ok"])
        lead = self._conversation(token).lead_id
        self.assertEqual(lead.phone, "+525512345678")
        self.assertEqual(lead.email_from, "luis@example.mx")

    def test_invalid_email_is_rejected(self):
        token = self._conversation_with("quiero hablar con una persona")
        leads_before = self.env["crm.lead"].sudo().search_count([])
        result = self._contact(token, email="luis@@example")
        self.assertEqual(result["error"]["code"], "invalid_contact")
        self.assertIn("not a valid email", result["error"]["message"])
        self.assertEqual(self.env["crm.lead"].sudo().search_count([]), leads_before)
        self.assertFalse(self._conversation(token).lead_id)
