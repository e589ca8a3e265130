# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid
from datetime import date, datetime, timedelta

from lxml import etree

from odoo.osv import expression
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..rate_limit import DatabaseRateLimiter, read_committed
from .common import SPANISH_HOURS, ChatHttpCase


@tagged("post_install", "-at_install")
class TestSalesAndLimits(ChatHttpCase):
    """Small talk, sales requests, live company data, per-day hours, shared limits."""

    def test_greetings_thanks_goodbyes_are_answered(self):
        hello = self._send("hola")
        self.assertTrue(hello["answered"])
        self.assertIn("¿En qué puedo ayudarle?", hello["reply"])
        thanks = self._send("muchas gracias", token=hello["token"])
        self.assertIn("¿Puedo ayudarle en algo más?", thanks["reply"])
        bye = self._send("adiós", token=hello["token"])
        self.assertIn("Hasta pronto", bye["reply"])
        self.assertEqual(self._send("thanks!")["lang"], "en")

    def test_quote_request_takes_the_contact(self):
        result = self._send("quiero un presupuesto para 20 sillas")
        self.assertTrue(result["contact"])
        self.assertTrue(result["handoff"])
        self.assertIn("presupuesto de 20 × sillas", result["reply"])
        self.assertIn("teléfono o correo", result["reply"])
        conversation = self._conversation(result["token"])
        self.assertEqual(conversation.interest_kind, "quote")
        self.assertEqual(conversation.interest_product, "sillas")
        self.assertEqual(conversation.interest_quantity, 20)
        stock = self._send("¿tienen sillas de oficina en stock?")
        self.assertTrue(stock["contact"])
        self.assertIn("disponibilidad de sillas de oficina", stock["reply"])
        order = self._send("I want to buy 3 desks")
        self.assertEqual(order["lang"], "en")
        self.assertIn("place your order for 3 × desks", order["reply"])

    def test_company_data_is_read_when_answering(self):
        first = self._send("¿dónde están?")
        self.assertIn("Calle Mayor 7", first["reply"])
        self.company.write({"street": "Gran Vía 1", "city": "Sevilla", "zip": "41001"})
        moved = self._send("¿dónde está la tienda?")
        self.assertIn("Gran Vía 1", moved["reply"])
        self.assertNotIn("Calle Mayor", moved["reply"])

    def test_hours_for_a_day_say_whether_open(self):
        saturday = self._send("¿abren los sábados?")
        self.assertIn("Sí", saturday["reply"])
        self.assertIn(SPANISH_HOURS, saturday["reply"])
        sunday = self._send("¿abren el domingo?")
        self.assertIn("No, el domingo", sunday["reply"])
        self.assertIn("cerrado", sunday["reply"])
        english = self._send("are you open on sunday?")
        self.assertIn("we are closed", english["reply"])
        # a closure on the next Monday: closed that day, "holiday or closure"
        today = date.today()
        monday = today + timedelta(days=(0 - today.weekday()) % 7)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Cierre",
                "calendar_id": self.calendar.id,
                "date_from": datetime.combine(monday, datetime.min.time()),
                "date_to": datetime.combine(monday, datetime.max.time()),
            }
        )
        closed = self._send("¿abren el lunes?")
        self.assertIn("cerrado (festivo o cierre)", closed["reply"])

    def test_language_follows_each_message(self):
        spanish = self._send("¿cuál es su dirección?")
        self.assertEqual(spanish["lang"], "es")
        english = self._send("what is your address?", token=spanish["token"])
        self.assertEqual(english["lang"], "en")
        self.assertIn("You will find us at", english["reply"])
        # too short to tell: the conversation keeps its language
        short = self._send("aaa", token=spanish["token"])
        self.assertEqual(short["lang"], "en")
        again = self._send("¿y cuál es el teléfono?", token=spanish["token"])
        self.assertEqual(again["lang"], "es")

    def test_rate_limit_is_per_address_whatever_the_session(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_chat.rate_limit", "10"
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_chat.conversations_per_hour", "100"
        )
        answered = 0
        for __ in range(25):
            self.opener.cookies.clear()  # a new session each time
            result = self._send("hola")
            answered += "error" not in result
        self.assertEqual(answered, 10)
        counters = self.env["pyme.ai.chat.rate"].sudo().search([])
        self.assertTrue(counters)
        self.assertNotIn("127.0.0.1", "".join(counters.mapped("key")))

    def test_workers_counting_one_key_at_once_both_count(self):
        """A worker whose transaction began before another worker's count was
        committed still counts (2), instead of failing to serialize (an ERROR in
        Odoo's log and a retried request)."""
        counter = DatabaseRateLimiter(clock=lambda: 1_000_000.0)
        key = f"test:{uuid.uuid4().hex[:12]}"
        db = db_connect(self.env.cr.dbname)
        try:  # two connections of their own, committed on leaving their block
            with read_committed(db.cursor()) as first:
                first.execute("SELECT 1")  # its transaction has begun
                with read_committed(db.cursor()) as second:
                    self.assertEqual(counter.hit(second, key, 60)[0], 1)
                self.assertEqual(counter.hit(first, key, 60)[0], 2)
        finally:
            with db.cursor() as cr:
                cr.execute("DELETE FROM pyme_ai_chat_rate WHERE key = %s", [key])

    def test_conversations_per_address_per_hour(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_chat.conversations_per_hour", "3"
        )
        results = [self._send("hola") for __ in range(5)]
        self.assertEqual(sum("token" in r for r in results), 3)
        self.assertEqual(results[-1]["error"]["status"], 429)

    def test_init_is_limited(self):
        self.env["ir.config_parameter"].sudo().set_param("pyme_ai_chat.rate_limit", "5")
        results = [self._route("init") for __ in range(12)]
        self.assertEqual(sum("error" not in r for r in results), 10)

    def test_unanswered_filter_lists_only_unanswered_questions(self):
        self._send("hola")
        self._send("¿reparan motores de barcos?")
        action = self.env.ref("pyme_ai_chat.pyme_ai_chat_message_action_unanswered")
        view = self.env.ref("pyme_ai_chat.pyme_ai_chat_message_view_search")
        # the action's default filters, combined as the search view does: filters
        # of one group are OR-ed, groups (split by separators) AND-ed
        defaults = {
            key.removeprefix("search_default_")
            for key in safe_eval(action.context)
            if key.startswith("search_default_")
        }
        groups, current = [], []
        for node in etree.fromstring(view.arch).iter("filter", "separator"):
            if node.tag == "separator":
                groups.append(current)
                current = []
            elif node.get("name") in defaults:
                current.append(safe_eval(node.get("domain")))
        groups.append(current)
        domain = expression.AND(
            [expression.OR(group) for group in groups if group]
            + [safe_eval(action.domain)]
        )
        found = self.env["pyme.ai.chat.message"].sudo().search(domain)
        self.assertEqual(found.mapped("body"), ["¿reparan motores de barcos?"])
