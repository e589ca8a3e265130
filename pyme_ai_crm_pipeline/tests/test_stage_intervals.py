# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import tagged

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestStageIntervals(LeadScoringCase):
    def test_intervals_from_tracking(self):
        created = datetime(2026, 1, 1, 9)
        lead = self._open_lead(web=True, revenue=1000)
        untouched = self._open_lead(web=False, revenue=10)
        lost = self._open_lead(web=False, revenue=10)
        self.env.flush_all()
        # records created in the same transaction are not tracked before precommit
        self.env.cr.flush()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)",
            (created, [lead.id, untouched.id, lost.id]),
        )
        self._move(lead, self.stage_proposal, datetime(2026, 1, 4, 9))
        self._move(lead, self.stage_won, datetime(2026, 1, 10, 9))
        self._move(lost, self.stage_proposal, datetime(2026, 1, 2, 9))
        lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = %s WHERE id = %s",
            (datetime(2026, 1, 7, 9), lost.id),
        )
        self.env.invalidate_all()

        def rows(record):
            return [
                (r["stage_id"], r["entered"], r["left"])
                for r in self.env["crm.lead"]._ai_stage_intervals(record.ids)
            ]

        new, proposal, won = (
            self.stage_new.id,
            self.stage_proposal.id,
            self.stage_won.id,
        )
        self.assertEqual(
            rows(lead),
            [
                (new, created, datetime(2026, 1, 4, 9)),
                (proposal, datetime(2026, 1, 4, 9), datetime(2026, 1, 10, 9)),
                (won, datetime(2026, 1, 10, 9), None),
            ],
        )
        self.assertEqual(rows(untouched), [(new, created, None)])
        self.assertEqual(
            rows(lost),
            [
                (new, created, datetime(2026, 1, 2, 9)),
                (proposal, datetime(2026, 1, 2, 9), datetime(2026, 1, 7, 9)),
            ],
        )
        # without ids: every lead of the company, archived (lost) ones included
        everything = self.env["crm.lead"]._ai_stage_intervals()
        self.assertLessEqual(
            {lead.id, untouched.id, lost.id}, {r["lead_id"] for r in everything}
        )
