# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import LeadScoringCase

T0 = datetime(2026, 1, 5, 9, 0)
DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestStageRows(LeadScoringCase):
    """A closed lead is a training row in every stage it passed through, so an open
    lead in an early stage is judged among the leads seen in that stage."""

    def _leads(self, n, name):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"{name} {i}",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "source_id": self.source_web.id,
                    "expected_revenue": 1000 + 37 * i,
                    "stage_id": self.stage_new.id,
                }
                for i in range(n)
            ]
        )
        self.env.flush_all()
        self.env.cr.flush()
        return leads

    def _pipeline(self):
        """30 won (New, Proposal, Won), 10 lost in Proposal, 30 lost in New; every
        stay lasts 20 days."""
        won = self._leads(30, "Won")
        late = self._leads(10, "Lost in proposal")
        early = self._leads(30, "Lost early")
        self._created(won | late | early, T0)
        self._move(won | late, self.stage_proposal, T0 + 20 * DAY)
        self._move(won, self.stage_won, T0 + 40 * DAY)
        (late | early).action_set_lost()
        self.env.flush_all()
        for leads, closed in ((won | late, T0 + 40 * DAY), (early, T0 + 20 * DAY)):
            self.env.cr.execute(
                "UPDATE crm_lead SET date_closed = %s WHERE id = ANY(%s)",
                (closed, leads.ids),
            )
        self.env.invalidate_all()
        return won, late, early

    def test_one_training_row_per_stage_passed(self):
        won, late, early = self._pipeline()
        data = self.scoring._ai_training_data()
        table, groups = data["table"], data["groups"]
        rows = Counter(groups)
        self.assertEqual({rows[i] for i in won.ids + late.ids}, {2})
        self.assertEqual({rows[i] for i in early.ids}, {1})
        self.assertEqual(data["sampling"]["used"], 70)
        self.assertEqual(data["sampling"]["rows"], 110)
        new, proposal = f"#{self.stage_new.id}", f"#{self.stage_proposal.id}"
        self.assertEqual(set(table["stage"]), {new, proposal})  # never the won stage
        by_row = list(zip(groups, table["stage"], data["target"], strict=True))
        self.assertEqual(
            Counter((stage, target) for __, stage, target in by_row),
            {(new, 1): 30, (new, 0): 40, (proposal, 1): 30, (proposal, 0): 10},
        )
        # each row is seen partway through its 20-day stay, as an open lead is seen:
        # nothing after that moment leaks in, the stays are not all "20 days"
        days = table["days_in_stage"]
        for index, (lead_id, stage, __) in enumerate(by_row):
            self.assertTrue(0 <= days[index] <= 20, lead_id)
            before = 0 if stage == new else 20  # days spent in New first
            age = table["lead_age_days"][index]
            self.assertAlmostEqual(age, before + days[index], 3, lead_id)
        self.assertGreater(len({round(d) for d in days}), 10)

    def test_an_early_open_lead_scores_like_leads_seen_in_its_stage(self):
        self._pipeline()
        run = self.scoring._ai_train()
        self.assertEqual(run.state, "done", run.message)
        lead = self._open_lead(web=True, revenue=1500)
        self._created(lead, fields.Datetime.now() - 10 * DAY)
        self.env.cr.execute(  # ten days into New, as training rows are seen
            "UPDATE crm_lead SET date_last_stage_update = create_date WHERE id = %s",
            (lead.id,),
        )
        lead.invalidate_recordset(["date_last_stage_update"])
        self.scoring._cron_ai_apply()
        # 30 of the 70 leads seen in New were won: described only by the stage they
        # closed in, New would hold lost leads alone and score about 1
        self.assertGreaterEqual(lead.ai_score, 25)
        self.assertLessEqual(lead.ai_score, 65)
        report = run.model_id.report
        self.assertEqual(report["sampling"]["used"], 70)
