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

    def _notes(self, lead, rule):
        return lead.message_ids.filtered(lambda m: rule.name in (m.body or ""))

    def assertFiredOnce(self, rule, lead, user):
        logs = self.Log.search([("rule_id", "=", rule.id), ("lead_id", "=", lead.id)])
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.activity_id.res_id, lead.id)
        self.assertEqual(logs.activity_id.user_id, user)
        self.assertEqual(len(self._notes(lead, rule)), 1)
