# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.pyme_ai_chat.tests.common import ChatHttpCase


@tagged("post_install", "-at_install")
class TestLead(ChatHttpCase):
    def _conversation_with(self, question):
        return self._send(question)["token"]

    def _contact(self, token, **values):
        return self._route("contact", token=token, **values)

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

    def test_one_lead_per_conversation_with_interest_and_source(self):
        team = self.env["crm.team"].create({"name": "Web sales"})
        salesman = self.env["res.users"].create(
            {
                "name": "Marta Ventas",
                "login": "chat_marta",
                "groups_id": [(4, self.env.ref("sales_team.group_sale_salesman").id)],
            }
        )
        if "crm_default_team_id" in self.website._fields:
            self.website.write(
                {"crm_default_team_id": team.id, "crm_default_user_id": salesman.id}
            )
        token = self._conversation_with("quiero un presupuesto para 20 sillas")
        for email in ("ana@example.com", None, None, None, None):
            values = {"phone": "612 34 56 78"}
            if email:
                values["email"] = email
            self.assertTrue(self._contact(token, name="Ana", **values)["ok"])
        leads = self.env["crm.lead"].sudo().search([("phone", "=", "+34612345678")])
        self.assertEqual(len(leads), 1)
        lead = leads
        self.assertIn("20 × sillas", lead.name)
        self.assertEqual(lead.source_id.name, "Website chat")
        self.assertIn("quiero un presupuesto para 20 sillas", lead.description)
        self.assertIn("</p><p>", lead.description)  # one paragraph per line
        if "crm_default_team_id" in self.website._fields:
            self.assertEqual(lead.team_id, team)
            self.assertEqual(lead.user_id, salesman)
        self.assertTrue(lead.activity_ids.filtered(lambda a: a.user_id == lead.user_id))
        # the same phone in another conversation: attached to the same lead
        other = self._conversation_with("¿hacen envíos a Canarias?")
        self._contact(other, phone="+34 612 345 678")
        self.assertEqual(self._conversation(other).lead_id, lead)
        self.assertEqual(
            self.env["crm.lead"].sudo().search_count([("phone", "=", "+34612345678")]),
            1,
        )
        # the salesperson reads the conversations of their leads, not the others
        mine = self.env["pyme.ai.chat.conversation"].with_user(salesman).search([])
        if "crm_default_team_id" in self.website._fields:
            self.assertEqual(len(mine), 2)
        stranger = self._conversation_with("hola")
        self.assertNotIn(self._conversation(stranger), mine)

    def test_lead_in_the_company_language_and_logged_per_reader(self):
        # an English visitor writes to a Spanish company: the lead is for its staff
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["pyme_ai_chat_crm"], ["es_ES"])
        self.company.partner_id.lang = "es_ES"
        token = self._conversation_with("hello, can someone call me?")
        self.assertTrue(self._contact(token, name="Ann", phone="612 34 56 78")["ok"])
        conversation = self._conversation(token)
        lead = conversation.lead_id
        self.assertEqual(lead.name, "Chat del sitio web: Ann")
        self.assertIn("Visitante: hello, can someone call me?", lead.description)
        # the conversation's line: the event in the reader's language, the lead
        # as a tracked value (its name is what the visitor typed)
        message = conversation.message_ids[0]
        subtype = self.env.ref("pyme_ai_chat_crm.mt_lead_linked")
        self.assertEqual(message.subtype_id, subtype)
        self.assertFalse(message.body)
        (tracking,) = message.tracking_value_ids._tracking_value_format()
        self.assertEqual(tracking["newValue"]["value"], lead.display_name)
        self.assertNotEqual(
            subtype.with_context(lang="es_ES").description,
            subtype.with_context(lang="en_US").description,
        )

    def test_later_details_are_kept_on_the_lead(self):
        token = self._conversation_with("quiero un presupuesto para 20 sillas")
        self._contact(token, name="Luis", email="luis1@example.com", phone="610222331")
        lead = self._conversation(token).lead_id
        notes_before = len(lead.message_ids)
        self._contact(token, name="Luis", email="luis1@example.com", phone="610222331")
        self.assertEqual(len(lead.message_ids), notes_before)  # nothing new to keep
        self._contact(token, name="Luis", email="luis2@example.com", phone="610222332")
        self.assertEqual(self._conversation(token).lead_id, lead)
        self.assertEqual(lead.email_from, "luis1@example.com")  # first details kept
        note = lead.message_ids[0]
        self.assertIn("luis2@example.com", note.body)
        self.assertIn("+34610222332", note.body)

    def test_another_company_team_and_user_are_not_assigned(self):
        other = self.env["res.company"].create({"name": "Otra empresa"})
        team = self.env["crm.team"].create(
            {"name": "Their team", "company_id": other.id}
        )
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "chat_outsider",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [(4, self.env.ref("sales_team.group_sale_salesman").id)],
            }
        )
        if "crm_default_team_id" not in self.website._fields:
            self.skipTest("website_crm is not installed")
        self.website.write(
            {"crm_default_team_id": team.id, "crm_default_user_id": outsider.id}
        )
        token = self._conversation_with("quiero un presupuesto para 20 sillas")
        self.assertTrue(self._contact(token, name="Ana", phone="612 34 56 78")["ok"])
        lead = self._conversation(token).lead_id
        self.assertEqual(lead.company_id, self.company)
        self.assertNotEqual(lead.team_id, team)
        self.assertNotEqual(lead.user_id, outsider)
        self.assertIn(self.company, lead.user_id.company_ids)
