# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.tests import tagged

from ..controllers.main import MAX_MESSAGE_LENGTH
from .common import SPANISH_HOURS, ChatHttpCase


@tagged("post_install", "-at_install")
class TestRoutes(ChatHttpCase):
    def _messages(self):
        return self.env["pyme.ai.chat.message"].search([])

    def test_init_lists_quick_replies(self):
        result = self._route("init")
        self.assertTrue(result["enabled"])
        self.assertEqual(result["max_length"], MAX_MESSAGE_LENGTH)
        self.assertIn("What are your opening hours?", result["quick_replies"])

    def test_spanish_opening_hours(self):
        result = self._send("¿a qué hora abren?")
        self.assertTrue(result["answered"])
        self.assertEqual(result["lang"], "es")
        self.assertIn(SPANISH_HOURS, result["reply"])
        self.assertIn("Nuestro horario", result["reply"])
        conversation = (
            self.env["pyme.ai.chat.conversation"]
            .sudo()
            .search([("token", "=", result["token"])])
        )
        self.assertEqual(
            conversation.message_line_ids.mapped("author"), ["visitor", "bot"]
        )
        # the same conversation continues with its token
        again = self._send("¿y dónde están?", token=result["token"])
        self.assertEqual(again["token"], result["token"])
        self.assertEqual(len(conversation.message_line_ids), 4)

    def test_unknown_question_offers_a_person(self):
        result = self._send("¿reparan motores de barcos de pesca?")
        self.assertFalse(result["answered"])
        self.assertTrue(result["handoff"])
        self.assertIn("persona", result["reply"])
        handoff = self._route("handoff", token=result["token"])
        self.assertEqual(handoff["mode"], "contact")
        unanswered = self._messages().filtered(
            lambda m: m.author == "visitor" and not m.answered
        )
        self.assertEqual(unanswered.body, "¿reparan motores de barcos de pesca?")

    def test_a_failing_model_hands_over_instead_of_a_500(self):
        """A model that cannot predict (e.g. stored by other code) is logged and
        the visitor is offered a person."""
        model_class = type(self.assistant._engine_model(self.company))

        def broken(model, text):
            raise ValueError("X has 28 features, but the model expects 21")

        with (
            patch.object(model_class, "answer", broken),
            self.assertLogs(
                "odoo.addons.pyme_ai_chat.models.pyme_ai_chat_assistant", "ERROR"
            ),
        ):
            result = self._send("¿a qué hora abren?")
        self.assertFalse(result["answered"])
        self.assertTrue(result["handoff"])
        self.assertIn("persona", result["reply"])

    def test_long_message_is_refused_and_not_stored(self):
        result = self._send("a" * 10_000)
        self.assertEqual(result["error"]["status"], 413)
        self.assertEqual(result["error"]["code"], "message_too_long")
        self.assertIn(str(MAX_MESSAGE_LENGTH), result["error"]["message"])
        self.assertFalse(self._messages())

    def test_bad_params_give_clean_errors(self):
        for params in ({}, {"message": 42}, {"message": ["x"]}, {"message": "   "}):
            result = self.make_jsonrpc_request("/pyme_ai_chat/message", params)
            self.assertEqual(result["error"]["status"], 400, params)
        result = self._send("hola\x00 ¿abren hoy?", token="../../etc")
        self.assertIn("token", result)
        self.assertNotIn("\x00", self._messages()[0].body)
        self.assertFalse(
            self.env["pyme.ai.chat.conversation"]
            .search([])
            .filtered(lambda c: c.contact_phone)
        )

    def test_html_is_stored_as_plain_text(self):
        attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        result = self._send(attack)
        self.assertNotIn("<script", result["reply"])
        stored = self._messages().filtered(lambda m: m.author == "visitor")
        self.assertEqual(stored.body, attack)  # plain text, escaped wherever rendered
        conversation = stored.conversation_id
        self.assertIn("&lt;script&gt;", conversation._transcript_html())
        self.assertNotIn("<script", conversation._transcript_html())

    def test_invalid_json_is_a_400(self):
        response = self.url_open(
            "/pyme_ai_chat/message",
            data="{not json",
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("Traceback", response.text)
        response = self.url_open(
            "/pyme_ai_chat/message",
            data=json.dumps({"jsonrpc": "2.0", "params": {"message": "a" * 600}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"]["error"]["status"], 413)

    def test_rate_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_chat.rate_limit", "20"
        )
        statuses = []
        token = None
        for __ in range(100):
            result = self._send("hola", token=token)
            token = result.get("token", token)
            statuses.append(result.get("error", {}).get("status", 200))
        self.assertEqual(statuses[:20], [200] * 20)
        self.assertEqual(statuses[20:], [429] * 80)
        self.assertEqual(len(self._messages()), 40)  # nothing stored once limited

    def test_contact_errors(self):
        result = self._route("contact", token="0" * 32, email="a@b.co")
        self.assertEqual(result["error"]["status"], 404)
        token = self._send("quiero hablar con una persona")["token"]
        result = self._route("contact", token=token, email="no-es-un-correo")
        self.assertEqual(result["error"]["code"], "invalid_contact")
        self.assertIn("no-es-un-correo", result["error"]["message"])
        result = self._route("contact", token=token, phone="600 000 000")
        self.assertTrue(result["ok"])
