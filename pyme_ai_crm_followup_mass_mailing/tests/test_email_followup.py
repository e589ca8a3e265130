# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import new_test_user, tagged

from odoo.addons.pyme_ai_crm_followup.tests.common import FollowupCase

RULE = "pyme_ai_crm_followup_mass_mailing.followup_rule_email_opened"


@tagged("post_install", "-at_install")
class TestEmailFollowup(FollowupCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "Spring offer",
                "body_html": "<p>Offer</p>",
                "mailing_model_id": cls.env["ir.model"]._get_id("crm.lead"),
            }
        )

    def _trace(
        self, lead, status, opened_days_ago, model="crm.lead", res_id=None, email=None
    ):
        opened = self.now - timedelta(days=opened_days_ago)
        return self.env["mailing.trace"].create(
            {
                "mass_mailing_id": self.mailing.id,
                "model": model,
                "res_id": res_id or lead.id,
                "email": email or f"lead{lead.id}@example.com",
                "trace_status": status,
                "open_datetime": opened,
                "reply_datetime": opened if status == "reply" else False,
            }
        )

    def test_opened_not_answered_fires_once(self):
        rule = self.env.ref(RULE)
        rule.active = True
        opened = self._lead(20)
        self._trace(opened, "open", 4)
        partner = self.env["res.partner"].create({"name": "Contact AI"})
        via_contact = self._lead(20, partner_id=partner.id)
        self._trace(via_contact, "open", 5, model="res.partner", res_id=partner.id)
        replied = self._lead(20)
        self._trace(replied, "reply", 4)
        too_soon = self._lead(20)
        self._trace(too_soon, "open", 1)
        answered = self._lead(20)
        self._trace(answered, "open", 4)
        self.env["mail.message"].create(
            {
                "model": "crm.lead",
                "res_id": answered.id,
                "message_type": "email",
                "author_id": partner.id,
                "body": "Yes, interested",
                "date": self.now - timedelta(days=2),
            }
        )
        won, foreign = self._won_and_foreign(
            20, lambda lead: self._trace(lead, "open", 4)
        )
        self.Rule._cron_run()
        self.Rule._cron_run()
        self.assertFiredOnce(rule, opened, self.salesman)
        self.assertFiredOnce(rule, via_contact, self.salesman)
        self.assertEqual(
            opened.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_email"),
        )
        self.assertFalse(
            self.Log.search(
                [
                    (
                        "lead_id",
                        "in",
                        (replied | too_soon | answered | won | foreign).ids,
                    )
                ]
            )
        )
        # a later mailing opened again is a new event
        self._trace(opened, "open", 3)
        self.Rule._cron_run()
        self.assertEqual(
            self.Log.search_count(
                [("rule_id", "=", rule.id), ("lead_id", "=", opened.id)]
            ),
            2,
        )

    def test_inactive_rule_does_nothing(self):
        rule = self.env.ref(RULE)
        rule.active = False
        lead = self._lead(20)
        self._trace(lead, "open", 4)
        self.Rule._cron_run()
        self.assertFalse(lead.activity_ids)
        self.assertFalse(self.Log.search([("rule_id", "=", rule.id)]))

    def test_mailing_list_email_and_reply_to_another_mailing(self):
        rule = self.env.ref(RULE)
        rule.active = True
        contact = self.env["mailing.contact"].create(
            {"name": "List member", "email": "member@example.com"}
        )
        listed = self._lead(20, email_from="Member <member@example.com>")
        self._trace(
            listed,
            "open",
            4,
            model="mailing.contact",
            res_id=contact.id,
            email="member@example.com",
        )
        # opened one mailing, then replied to a later one: answered
        replier = self._lead(20, email_from="replier@example.com")
        self._trace(replier, "open", 6, email="replier@example.com")
        self._trace(replier, "reply", 5, email="replier@example.com")
        self.Rule._cron_run()
        self.Rule._cron_run()
        self.assertFiredOnce(rule, listed, self.salesman)
        self.assertFalse(self.Log.search([("lead_id", "=", replier.id)]))

    def test_mailings_of_another_company_never_count(self):
        """Opens and replies of a company's mailings act only on its own rules."""
        rule = self.env.ref(RULE)
        rule.active = True
        company_b = self.env["res.company"].create({"name": "Mailing Co B"})
        seller_b = new_test_user(
            self.env,
            login="ai_mailing_seller_b",
            groups="sales_team.group_sale_salesman",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        rule_b = rule.copy({"company_id": company_b.id, "run_as_user_id": seller_b.id})
        rule_b.active = True
        mailing_b = self.mailing.copy({"ai_company_id": company_b.id})
        self.assertEqual(self.mailing.ai_company_id, self.env.company)
        # company A's lead opened only company B's mailing (same address)
        lead_a = self._lead(20, email_from="shared@example.com")
        trace = self._trace(lead_a, "open", 4, email="shared@example.com")
        trace.mass_mailing_id = mailing_b
        # company B's lead, same person, opened B's mailing: B follows it up
        lead_b = self._lead(
            20,
            email_from="shared@example.com",
            company_id=company_b.id,
            team_id=False,
            user_id=seller_b.id,
        )
        # a lead of A that opened A's mailing and replied only to B's mailing
        replied_elsewhere = self._lead(20, email_from="other@example.com")
        self._trace(replied_elsewhere, "open", 5, email="other@example.com")
        reply = self._trace(replied_elsewhere, "reply", 4, email="other@example.com")
        reply.mass_mailing_id = mailing_b
        self.Rule._cron_run()
        self.assertFalse(self.Log.search([("lead_id", "=", lead_a.id)]))
        self.assertEqual(self.Log.search([("rule_id", "=", rule_b.id)]).lead_id, lead_b)
        self.assertEqual(
            self.Log.search([("rule_id", "=", rule.id)]).lead_id, replied_elsewhere
        )
        self.assertFalse(rule.last_error_step or rule_b.last_error_step)
