# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tests.common import make_users

from ..models.pyme_ai_chat_conversation import mask_personal_data
from .common import SPANISH_HOURS, ChatFixtures


@tagged("post_install", "-at_install")
class TestKnowledge(ChatFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_chat()
        cls.designer, cls.editor, cls.employee = make_users(
            cls.env,
            chat_designer="base.group_user,website.group_website_designer",
            chat_editor="base.group_user,pyme_ai_chat.pyme_ai_chat_group_editor",
            chat_employee="base.group_user",
        )

    def _faq(self, intent, lang):
        return self.Faq.search(
            [
                ("intent", "=", intent),
                ("lang", "=", lang),
                ("company_id", "=", self.company.id),
            ]
        )

    def _conversation(self):
        return self.env["pyme.ai.chat.conversation"].create(
            {"website_id": self.website.id, "company_id": self.company.id, "lang": "es"}
        )

    def _age(self, conversation, days):
        """Move the creation date back (it is set by the database, not freezable)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE pyme_ai_chat_conversation SET create_date = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(days=days),
                conversation.id,
            )
        )
        conversation.invalidate_recordset(["create_date"])

    def test_seeded_answers_come_from_company_data(self):
        hours = self._faq("opening_hours", "es").answer
        self.assertTrue(hours.startswith("Nuestro horario es:"))
        self.assertEqual(hours.count(SPANISH_HOURS), 6)  # Monday to Saturday
        self.assertNotIn("12:00-13:00", hours)
        self.assertIn("Calle Mayor 7, 28013 Madrid", self._faq("address", "es").answer)
        self.assertIn("Phone: +34 910 000 000", self._faq("contact", "en").answer)
        self.assertIn("hola@example.com", self._faq("contact", "es").answer)

    def test_every_intent_in_both_languages_with_variants(self):
        faqs = self.Faq.search([("company_id", "=", self.company.id)])
        intents = set(faqs.mapped("intent"))
        self.assertGreaterEqual(len(intents), 8)
        for intent in intents:
            for lang in ("es", "en"):
                faq = faqs.filtered(
                    lambda f, i=intent, la=lang: f.intent == i and f.lang == la
                )
                self.assertEqual(len(faq), 1, (intent, lang))
                self.assertGreaterEqual(len(faq.variant_ids), 3)

    def test_training_activates_a_model(self):
        self.assertEqual(self.chat_run.state, "done", self.chat_run.message)
        self.assertEqual(self.chat_run.model_id.state, "active")
        answer = self.assistant._answer("¿a qué hora abren?", self.website, lang="es")
        self.assertEqual(answer["intent"], "opening_hours")
        self.assertIn(SPANISH_HOURS, answer["text"])
        self.assertFalse(answer["handoff"])

    def test_unknown_question_offers_a_person(self):
        answer = self.assistant._answer(
            "¿reparan motores de barcos de pesca?", self.website, lang="es"
        )
        self.assertFalse(answer["text"])
        self.assertTrue(answer["handoff"])

    def test_add_question_as_variant_in_one_click(self):
        conversation = self._conversation()
        question = conversation._log("visitor", "¿atienden por la tarde?", lang="es")
        faq = self._faq("opening_hours", "es")
        action = question.action_add_as_variant()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.editor)
            .with_context(**action["context"])
            .create({"faq_id": faq.id})
        )
        wizard.action_assign()
        self.assertIn("¿atienden por la tarde?", faq.variant_ids.mapped("name"))
        self.assertTrue(question.reviewed)
        cron = self.env.ref("pyme_ai_chat.ir_cron_train_chat")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )

    def test_retention_cron_deletes_old_conversations(self):
        self.env["ir.config_parameter"].set_param("pyme_ai_chat.retention_days", "30")
        old = self._conversation()
        old._log("visitor", "hola")
        self._age(old, 40)
        recent = self._conversation()
        self.env["pyme.ai.chat.conversation"]._cron_purge()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.env["ir.config_parameter"].set_param("pyme_ai_chat.retention_days", "0")
        ancient = self._conversation()
        self._age(ancient, 4000)
        self.env["pyme.ai.chat.conversation"]._cron_purge()
        self.assertTrue(ancient.exists())

    def test_anonymisation_masks_emails_and_phones(self):
        self.assertEqual(
            mask_personal_data("Soy ana@example.com, tel +34 612 345 678 ok"),
            "Soy [email], tel [phone] ok",
        )
        self.env["ir.config_parameter"].set_param("pyme_ai_chat.anonymize", "True")
        message = self._conversation()._log("visitor", "llamadme al 612345678")
        self.assertEqual(message.body, "llamadme al [phone]")

    def test_contact_without_crm_is_stored_and_notified(self):
        conversation = self._conversation()
        conversation._log("visitor", "quiero hablar con alguien")
        conversation._submit_contact("Ana", "", "612 34 56 78")
        self.assertEqual(conversation.contact_phone, "+34612345678")
        self.assertEqual(conversation.state, "contact")
        # without CRM an activity; with pyme_ai_chat_crm installed a lead instead
        lead = conversation.lead_id if "lead_id" in conversation._fields else None
        self.assertTrue(conversation.activity_ids or lead)
        with self.assertRaises(ValidationError):
            conversation._submit_contact("Ana", "not-an-email", "")
        with self.assertRaises(ValidationError):
            conversation._submit_contact("Ana", "", "12")
        with self.assertRaises(ValidationError):
            conversation._submit_contact("Ana", "", "")

    def test_access_rights(self):
        faq = self._faq("returns", "es")
        faq.with_user(self.editor).answer = "Tiene 30 días para devolverlo."
        self.assertEqual(faq.answer, "Tiene 30 días para devolverlo.")
        # website designers (and Odoo's restricted editors) do not edit the FAQ nor
        # read conversations; the chat editor reads visitors' questions only
        with self.assertRaises(AccessError):
            faq.with_user(self.designer).answer = "Nada"
        conversation = self._conversation()
        conversation._log("visitor", "¿abren hoy?")
        conversation._log("bot", "Sí")
        Conversation = self.env["pyme.ai.chat.conversation"]
        with self.assertRaises(AccessError):
            Conversation.with_user(self.designer).search([])
        with self.assertRaises(AccessError):
            Conversation.with_user(self.editor).search([])
        messages = self.env["pyme.ai.chat.message"].with_user(self.editor)
        seen = messages.search([("conversation_id", "=", conversation.id)])
        self.assertEqual(seen.mapped("author"), ["visitor"])
        seen.action_mark_reviewed()
        self.assertTrue(seen.reviewed)
        with self.assertRaises(AccessError):
            seen.body = "otra cosa"
        with self.assertRaises(AccessError):
            faq.with_user(self.employee).read(["answer"])
        with self.assertRaises(AccessError):
            self.env["pyme.ai.chat.conversation"].with_user(self.employee).search([])
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.env["pyme.ai.chat.faq"].with_user(public).search([])
