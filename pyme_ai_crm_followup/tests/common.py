# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase


class FollowupCase(LeadScoringCase):
    """Leads of a given age, rules built from a trigger, assertions on what fired.

    Also used by the follow-up glue addons (mailing, website)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["pyme.ai.followup.rule"]
        cls.Log = cls.env["pyme.ai.followup.log"]
        cls.Rule.search([]).active = False  # the shipped rules stay out of the way
        cls.leader = new_test_user(
            cls.env, login="ai_leader", groups="sales_team.group_sale_salesman"
        )
        cls.team.user_id = cls.leader
        cls.now = fields.Datetime.now()

    def _lead(self, age_days, **values):
        lead = self.env["crm.lead"].create(
            dict(
                {
                    "name": "Follow me",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.stage_new.id,
                },
                **values,
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            (self.now - timedelta(days=age_days), lead.id),
        )
        lead.invalidate_recordset(["create_date"])
        return lead

    def _rule(self, trigger, **values):
        return self.Rule.create(
            dict(
                {
                    "name": f"Rule {trigger}",
                    "trigger": trigger,
                    "delay": 30,
                    "delay_unit": "days",
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "activity_summary": "Follow up",
                },
                **values,
            )
        )

    def _template_rule(self, subject, body="<p>Hello</p>", **values):
        """A no-activity rule sending a lead mail template of ``subject``."""
        template = self.env["mail.template"].create(
            {
                "name": subject,
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "subject": subject,
                "body_html": body,
                "email_to": "{{ object.email_from }}",
            }
        )
        return self._rule(
            "no_activity",
            action="mail_template",
            mail_template_id=template.id,
            **values,
        )

    def _won_and_foreign(self, age_days, prepare):
        """A won lead and another company's lead, each ``prepare``-d so that the
        rule's trigger alone would fire; the rule must skip both."""
        won = self._lead(age_days)
        prepare(won)
        won.write({"stage_id": self.stage_won.id})
        other_company = self.env["res.company"].create({"name": "Other AI Co"})
        foreign = self._lead(
            age_days, company_id=other_company.id, team_id=False, user_id=False
        )
        prepare(foreign)
        return won, foreign

    def _notes(self, lead, rule):
        return lead.message_ids.filtered(lambda m: rule.name in (m.body or ""))

    def assertFiredOnce(self, rule, lead, user):
        logs = self.Log.search([("rule_id", "=", rule.id), ("lead_id", "=", lead.id)])
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.activity_id.res_id, lead.id)
        self.assertEqual(logs.activity_id.user_id, user)
        self.assertEqual(len(self._notes(lead, rule)), 1)
