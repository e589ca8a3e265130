# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestScoreHistory(LeadScoringCase):
    """The history table has no foreign keys (they were checked row by row on every
    insert); what they did on delete is done by the autovacuum."""

    def _history(self, leads):
        self.env["pyme.ai.lead.score"].flush_model()
        self.env.cr.execute(
            "SELECT lead_id, model_id FROM pyme_ai_lead_score WHERE lead_id = ANY(%s)",
            [leads.ids],
        )
        return self.env.cr.fetchall()

    def test_no_foreign_key_and_deletes_still_cascade(self):
        self.env.cr.execute(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'pyme_ai_lead_score'::regclass"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self._create_history(40, 40)
        model = self.scoring._ai_train().model_id
        kept = self._open_lead(web=True, revenue=9000)
        gone = self._open_lead(web=False, revenue=200)
        self.scoring._cron_ai_apply()
        self.assertEqual(len(kept.ai_score_history_ids), 1)
        self.assertEqual(self._history(gone), [(gone.id, model.id)])
        gone_id = gone.id
        gone.unlink()
        self.env["pyme.ai.model"].browse(model.id).sudo().unlink()
        # deleted leads' rows are read by nobody, and gone after the autovacuum
        kept.user_id = False
        visible = self.env["pyme.ai.lead.score"].with_user(self.salesman).search([])
        self.assertIn(kept, visible.lead_id)
        self.assertNotIn(gone_id, visible.mapped("lead_id.id"))
        self.env["pyme.ai.lead.score"]._gc_orphan_rows()
        self.env.cr.execute(
            "SELECT lead_id, model_id FROM pyme_ai_lead_score WHERE lead_id IN %s",
            [(gone_id, kept.id)],
        )
        self.assertEqual(self.env.cr.fetchall(), [(kept.id, None)])
