# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged

from pyme_ai import leads as engine

from .common import LeadScoringCase

CLOSED = datetime(2026, 3, 1, 12, 0)


@tagged("post_install", "-at_install")
class TestLanguageIndependence(LeadScoringCase):
    """The same history written by a Spanish-speaking and an English-speaking user
    gives identical feature tables, models and scores, whatever the job's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        for record, name in (
            (cls.stage_new, "Nuevo IA"),
            (cls.stage_proposal, "Propuesta IA"),
            (cls.stage_won, "Ganado IA"),
            (cls.source_web, "Sitio web IA"),
            (cls.source_call, "Llamada en frío IA"),
        ):
            record.with_context(lang="es_ES").write({"name": name})
        groups = "sales_team.group_sale_salesman_all_leads"
        cls.user_es = new_test_user(cls.env, login="ai_es", groups=groups, lang="es_ES")
        cls.user_en = new_test_user(cls.env, login="ai_en", groups=groups, lang="en_US")

    def _history(self, user, n=12):
        """n won and n lost leads moved through tracked stages by ``user``."""
        Lead = self.env["crm.lead"].with_user(user)
        leads = Lead.create(
            [
                {
                    "name": f"Lang {i}",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "source_id": (self.source_web if i % 3 else self.source_call).id,
                    "expected_revenue": 1000 + 250 * i,
                    "email_from": f"lang{i}@acme.es",
                    "stage_id": self.stage_new.id,
                }
                for i in range(2 * n)
            ]
        )
        self.env.flush_all()
        self.env.cr.flush()
        leads = leads.with_context(lang=user.lang)  # tracking in the user's language
        won, lost = leads[:n], leads[n:]
        self._move(leads, self.stage_proposal, CLOSED - timedelta(days=10))
        self._move(won, self.stage_won, CLOSED)
        lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_closed = %s, "
            "date_last_stage_update = %s WHERE id = ANY(%s)",
            (
                CLOSED - timedelta(days=30),
                CLOSED,
                CLOSED - timedelta(days=10),
                leads.ids,
            ),
        )
        leads.invalidate_recordset()
        return leads, [1] * n + [0] * n

    def _table(self, leads, lang):
        scoring = self.scoring.with_context(lang=lang)
        as_of = dict.fromkeys(leads.ids, CLOSED + timedelta(hours=1))
        table, ids = scoring._ai_lead_table(leads, as_of, [])
        self.assertEqual(ids, leads.ids)
        return table

    def test_same_history_in_two_languages_gives_the_same_model(self):
        leads_es, target = self._history(self.user_es)
        leads_en, __ = self._history(self.user_en)
        # the tracking was written in each user's language...
        tracked = self.env["mail.tracking.value"].search(
            [("mail_message_id.res_id", "in", leads_es.ids)]
        )
        self.assertIn("Propuesta IA", tracked.mapped("new_value_char"))
        # ...but the features are ids, read the same by a job in any language
        table_es = self._table(leads_es, "es_ES")
        table_en = self._table(leads_en, "en_US")
        self.assertEqual(table_es, self._table(leads_es, "en_US"))
        self.assertEqual(table_es, table_en)
        self.assertEqual(set(table_es["stage"]), {f"#{self.stage_proposal.id}"})
        # identical models and scores
        model_es = engine.LeadModel(min_per_class=5).fit(
            engine.LeadData(table_es, target)
        )
        model_en = engine.LeadModel(min_per_class=5).fit(
            engine.LeadData(table_en, target)
        )
        self.assertEqual(model_es.coef_.tolist(), model_en.coef_.tolist())
        scores_es = model_es.explain(table_en)
        scores_en = model_en.explain(table_es)
        self.assertEqual(scores_es["score"].tolist(), scores_en["score"].tolist())
        self.assertEqual(scores_es["reasons"], scores_en["reasons"])
