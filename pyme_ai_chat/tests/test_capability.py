# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from pyme_ai import chat as engine

from .common import ChatFixtures


@tagged("post_install", "-at_install")
class TestCapability(ChatFixtures, TransactionCase):
    """The website chat on the base capability contract."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_chat()

    def test_contract(self):
        assistant = self.assistant
        self.assertEqual(assistant._ai_kind, engine.ChatModel.kind)
        self.assertEqual(assistant._ai_apply_mode, "none")
        self.assertFalse(assistant._ai_protect_active)
        self.assertEqual(assistant._ai_contract_errors(), [])
        # every rate the engine reports has a label and a direction
        metrics = self.chat_run.model_id.metrics
        rates = {
            key
            for key, value in metrics.items()
            if isinstance(value, float) and key != "threshold"
        }
        self.assertTrue(rates)
        self.assertLessEqual(rates, set(assistant._ai_metrics))
        self.assertEqual(
            {direction for __, direction in assistant._ai_metrics.values()},
            {"higher"},
        )

    def test_a_lower_score_still_replaces_the_active_model(self):
        """New knowledge wins: the holdout of other FAQs is not comparable."""
        active = self.chat_run.model_id
        real_evaluate = engine.evaluate

        def worse(data, **hyperparameters):
            result = real_evaluate(data, **hyperparameters)
            result.metrics["in_scope_accuracy"] = 0.0
            return result

        with patch.object(engine, "evaluate", worse):
            run = self.assistant.with_company(self.company)._ai_train()
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(run.model_id.state, "active")
        self.assertNotEqual(run.model_id, active)
        self.assertEqual(active.state, "archived")

    def test_too_little_knowledge_keeps_the_active_model(self):
        active = self.chat_run.model_id
        faqs = self.Faq.search([("company_id", "=", self.company.id)])
        faqs.filtered(lambda f: f.intent != "opening_hours").active = False
        with mute_logger("odoo.addons.pyme_ai_base.models.pyme_ai_capability"):
            run = self.assistant.with_company(self.company)._ai_train()
        self.assertEqual(run.state, "failed")
        self.assertIn("cannot be learnt yet", run.message)
        self.assertEqual(active.state, "active")

    def test_settings_leave_switch_and_training_to_the_base(self):
        settings = self.env["res.config.settings"]
        self.assertNotIn("pyme_ai_chat_enabled", settings._fields)
        self.assertFalse(hasattr(settings, "action_pyme_ai_chat_train_now"))
        self.assertIn("pyme_ai_chat_retention_days", settings._fields)

    def test_price_answer_searches_folded_content_words(self):
        if "product.template" not in self.env:
            self.skipTest("the product module is not installed")
        Product = self.env["product.template"]
        values = {"sale_ok": True, "company_id": self.company.id}
        if "is_published" in Product._fields:
            values["is_published"] = True
        sofa = Product.create(dict(values, name="Sofa cama", list_price=499.0))
        table = Product.create(dict(values, name="Mesa de roble", list_price=250.0))
        quiz = Product.create(dict(values, name="Juego ¿Cuánto sabes?"))
        faq = self.Faq.search(
            [
                ("intent", "=", "prices"),
                ("lang", "=", "es"),
                ("company_id", "=", self.company.id),
            ]
        )
        # "cuánto" and "cuesta" ask, they do not name a product
        answer = faq._answer_text("¿Cuánto cuesta la mesa?")
        self.assertIn(table.name, answer)
        self.assertNotIn(quiz.name, answer)
        self.assertNotIn(sofa.name, answer)
        # typed with an accent, stored without: still found
        self.assertIn(sofa.name, faq._answer_text("¿Cuánto cuesta el sofá?"))
        # a plural finds the singular name, the head noun first
        heater = Product.create(dict(values, name="Calefactor de oficina"))
        Product.create(dict(values, name="Silla ergonómica", list_price=90.0))
        answer = faq._answer_text("¿Cuánto cuestan las sillas de oficina?")
        # (a database with Odoo's demo data also has "Silla de oficina")
        self.assertIn("Silla", answer.splitlines()[0])
        self.assertNotIn(heater.name, answer.splitlines()[0])
        # nothing named: the FAQ's own answer
        self.assertEqual(faq._answer_text("¿Cuánto cuesta?"), faq.answer)

    def test_shared_product_price_in_the_company_currency(self):
        if "product.template" not in self.env:
            self.skipTest("the product module is not installed")
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.env["res.company"].create(
            {"name": "Empresa en euros", "currency_id": eur.id}
        )
        values = {"name": "Banco de jardín", "sale_ok": True, "list_price": 100.0}
        if "is_published" in self.env["product.template"]._fields:
            values["is_published"] = True
        bench = self.env["product.template"].create(values)  # no company: shared
        if bench.currency_id == eur:
            self.skipTest("the main company already uses euros")
        today = fields.Date.today()
        self.env["res.currency.rate"].create(
            [
                {"currency_id": cur.id, "rate": rate, "name": today,
                 "company_id": company.id}
                for cur, rate in ((bench.currency_id, 1.0), (eur, 2.0))
            ]
        )  # fmt: skip
        faq = self.Faq.new({"lang": "es", "company_id": company.id})
        answer = faq._price_answer("¿Cuánto cuesta el banco de jardín?")
        self.assertIn("Banco de jardín", answer)
        self.assertIn("200", answer)
        self.assertIn("€", answer)
        self.assertNotIn(bench.currency_id.symbol, answer)
