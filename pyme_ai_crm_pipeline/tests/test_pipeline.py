# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import tagged

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase

LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_capability"


class PipelineCase(LeadScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("pyme_ai_base.min_samples", "5")
        cls.env.ref("base.partner_root").tz = "Europe/Madrid"
        cls.salesman.tz = "Europe/Madrid"
        cls.meeting = cls.env.ref("mail.mail_activity_data_meeting")
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def _leads(self, n, **values):
        leads = self.env["crm.lead"].create(
            [
                dict(
                    {
                        "name": f"Lead {i}",
                        "type": "opportunity",
                        "team_id": self.team.id,
                        "user_id": self.salesman.id,
                        "stage_id": self.stage_new.id,
                    },
                    **values,
                )
                for i in range(n)
            ]
        )
        self.env.flush_all()
        self.env.cr.flush()  # later stage changes are tracked
        return leads

    def _first_activity(self, leads, activity_type, when):
        self.env["mail.message"].create(
            [
                {
                    "model": "crm.lead",
                    "res_id": lead.id,
                    "message_type": "notification",
                    "mail_activity_type_id": activity_type.id,
                    "date": when,
                    "body": "Done",
                }
                for lead in leads
            ]
        )

    def _contact_history(self):
        """40 closed leads: first contacted on Tuesday 10:00 Madrid time with a
        meeting (web, 16 of 20 won) or Thursday 15:00 with a call (4 of 20 won)."""
        web = self._leads(20, source_id=self.source_web.id)
        call = self._leads(20, source_id=self.source_call.id)
        # 2026-01-06 is a Tuesday; Madrid is UTC+1 in January
        self._first_activity(web, self.meeting, datetime(2026, 1, 6, 9))
        self._first_activity(call, self.call, datetime(2026, 1, 8, 14))
        (web[:16] | call[:4]).write({"stage_id": self.stage_won.id})
        (web[16:] | call[4:]).action_set_lost()
        return web, call


@tagged("post_install", "-at_install")
class TestInsights(PipelineCase):
    def test_findings_with_numbers(self):
        self._contact_history()
        self.env["ir.config_parameter"].set_param(
            "pyme_ai_crm_pipeline.insight_min_sample", "10"
        )
        Insight = self.env["pyme.ai.insight"]
        Insight._compute_for_company()
        insights = Insight.search([])
        by_code = {i.code: i for i in insights}
        more = by_code["source_wins_more"]
        self.assertEqual(more.source_id, self.source_web)
        self.assertEqual(more.sample_size, 40)
        self.assertEqual(
            more.text,
            "Deals from Website AI win more: 80% won (16 of 20) vs 20% for other "
            "sources (4 of 20).",
        )
        self.assertEqual(by_code["source_wins_less"].source_id, self.source_call)
        person = by_code["salesperson_activity_wins_more"]
        self.assertEqual(person.user_id, self.salesman)
        self.assertEqual(person.activity_type_id, self.meeting)
        self.assertIn("80% won (16 of 20) vs 20% otherwise (4 of 20)", person.text)
        # salespeople see general findings and their own
        seen = Insight.with_user(self.other_salesman).search([])
        self.assertIn(more, seen)
        self.assertNotIn(person, seen)
        self.assertIn(person, Insight.with_user(self.salesman).search([]))

        # a recomputation replaces the findings; nothing below the minimum sample
        self.env["ir.config_parameter"].set_param(
            "pyme_ai_crm_pipeline.insight_min_sample", "50"
        )
        Insight._compute_for_company()
        self.assertFalse(insights.exists())
        self.assertFalse(Insight.search([("code", "like", "source_")]))
