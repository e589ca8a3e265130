# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from collections import defaultdict
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.pyme_ai_base.tests.common import make_users

from pyme_ai.leads import TREND_DELTA

from ..models.pyme_ai_lead_scoring import FEATURES, RESCORE_STRIPES
from .common import LeadScoringCase

LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_capability"


@tagged("post_install", "-at_install")
class TestLeadScoring(LeadScoringCase):
    def _active_model(self):
        return self.env["pyme.ai.model"]._get_active("lead_scoring")

    def test_train_then_score_fills_lead_fields(self):
        self._create_history(40, 40)
        run = self.scoring._ai_train()
        self.assertEqual(run.state, "done", run.message)
        model = self._active_model()
        self.assertEqual(model.train_rows, 80)
        for key in ("auc", "brier", "log_loss", "lift_10", "lift_20"):
            self.assertIn(key, model.metrics)
        self.assertIn("naive_bayes", model.report["baselines"])
        self.assertIn("logistic", model.report["baselines"])

        hot = self._open_lead(web=True, revenue=8500)
        cold = self._open_lead(web=False, revenue=300)
        self.assertTrue(hot.ai_needs_scoring)
        before = (hot.probability, hot.automated_probability)
        self.scoring._cron_ai_apply()
        for lead in hot | cold:
            self.assertTrue(1 <= lead.ai_score <= 100)
            self.assertFalse(lead.ai_needs_scoring)
            self.assertTrue(lead.ai_score_date)
            self.assertIn(lead.ai_tier, ("hot", "warm", "cold"))
            self.assertEqual(len(lead.ai_score_history_ids), 1)
        self.assertGreater(hot.ai_score, cold.ai_score)
        self.assertAlmostEqual(hot.ai_score, round(hot.ai_probability * 100), delta=1)
        # Odoo's own probabilities are never written
        self.assertEqual((hot.probability, hot.automated_probability), before)
        # the planner settings of the scoring update do not outlive it
        self.env.cr.execute("SHOW enable_hashjoin")
        self.assertEqual(self.env.cr.fetchone()[0], "on")
        # reasons come from the model, with readable labels
        columns = {r["column"] for r in hot.ai_reasons["up"] + hot.ai_reasons["down"]}
        self.assertIn("source", columns | {"expected_revenue"})
        self.assertIn("Source", hot.ai_reasons_html + cold.ai_reasons_html)

    def test_change_rescores_with_trend(self):
        self._create_history(40, 40)
        self.scoring._ai_train()
        lead = self._open_lead(web=False, revenue=200)
        self.scoring._cron_ai_apply()
        first = lead.ai_score
        lead.write({"source_id": self.source_web.id, "expected_revenue": 9000})
        self.assertTrue(lead.ai_needs_scoring)
        self.scoring._cron_ai_apply()
        rise = lead.ai_score - first
        self.assertGreater(rise, 0)
        self.assertEqual(lead.ai_score_previous, first)
        # how far it rises depends on the other addons' features in the database
        self.assertEqual(
            lead.ai_score_trend, "rising" if rise >= TREND_DELTA else "stable"
        )
        self.assertEqual(len(lead.ai_score_history_ids), 2)

    def test_tiers_follow_the_win_rate_and_show_in_settings(self):
        self._create_history(40, 40)
        model = self.scoring._ai_train().model_id
        # won half the deals: warm from 50, hot from 75
        self.assertEqual(model.report["thresholds"], {"hot": 75, "warm": 50})
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.pyme_ai_crm_tiers_in_use,
            "Hot from 75, warm from 50 (your win rate: 50%).",
        )
        # thresholds set by the user win
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("pyme_ai_crm.hot_threshold", "60")
        Param.set_param("pyme_ai_crm.warm_threshold", "30")
        model = self.scoring._ai_train().model_id
        self.assertEqual(model.report["thresholds"], {"hot": 60, "warm": 30})

    def test_a_new_model_is_no_trend(self):
        """Rescoring by a newly trained model sets a new baseline: no rising or
        falling trend, no previous score (deals at risk read it), until the
        lead's own data changes."""
        self._create_history(40, 40)
        self.scoring._ai_train()
        lead = self._open_lead(web=False, revenue=200)
        self.scoring._cron_ai_apply()
        # a different history gives a model that scores the same lead otherwise
        self._create_history(60, 20, seed=3)
        self.env["ir.config_parameter"].set_param("pyme_ai_base.regression_margin", "1")
        new = self.scoring._ai_train().model_id
        self.assertEqual(new.state, "active")
        self.scoring._cron_ai_apply()
        self.assertEqual(lead.ai_score_model, new.id)
        self.assertEqual(lead.ai_score_trend, "stable")
        self.assertFalse(lead.ai_score_previous)
        first, rows = lead.ai_score, len(lead.ai_score_history_ids)
        lead.write({"source_id": self.source_web.id, "expected_revenue": 9000})
        self.scoring._cron_ai_apply()
        self.assertEqual(lead.ai_score_previous, first)
        self.assertEqual(lead.ai_score_trend, "rising")
        self.assertEqual(len(lead.ai_score_history_ids), rows + 1)

    def test_too_little_data_refuses_to_train(self):
        self._create_history(5, 30)
        with mute_logger(LOGGER):
            run = self.scoring._ai_train()
        self.assertEqual(run.state, "no_data")
        self.assertEqual(
            run.message,
            "The AI needs 20 won and 20 lost leads to learn from; there are 5 and 30.",
        )
        self.assertFalse(self._active_model())
        # stored as a code: each reader gets it in their own language
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertEqual(
            run.with_context(lang="es_ES").message,
            "La IA necesita 20 oportunidades ganadas y 20 perdidas para aprender; "
            "hay 5 y 30.",
        )
        lead = self._open_lead(web=True, revenue=7000).with_context(lang="es_ES")
        self.assertIn("La IA necesita 20", lead.ai_score_notice)
        self.assertIn("empresa de demostración", lead.ai_score_notice)

    def test_failing_training_keeps_previous_model(self):
        self._create_history(40, 40)
        active = self.scoring._ai_train().model_id
        scoring_cls = self.registry["pyme.ai.lead.scoring"]
        with (
            patch.object(scoring_cls, "_ai_fit", side_effect=MemoryError("boom")),
            mute_logger(LOGGER),
        ):
            run = self.scoring._ai_train()
        self.assertEqual(run.state, "failed")
        self.assertIn("boom", run.message)
        self.assertEqual(self._active_model(), active)
        # scoring still works with the kept model
        lead = self._open_lead(web=True, revenue=7000)
        self.scoring._cron_ai_apply()
        self.assertTrue(lead.ai_score)

    def test_a_model_of_another_training_design_is_no_yardstick(self):
        self._create_history(40, 40, weak=True)
        old = self.scoring._ai_train().model_id
        old.sudo().primary_score = 0.999  # a holdout no model can match
        self.assertEqual(self.scoring._ai_train().state, "rejected")
        # the same score measured on rows of an earlier design: a new baseline
        old.sudo().report = dict(old.report, design=1)
        run = self.scoring._ai_train()
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(self._active_model(), run.model_id)

    def test_salesperson_access(self):
        self._create_history(40, 40)
        self.scoring._ai_train()
        own = self._open_lead(web=True, revenue=8000, user_id=self.salesman.id)
        other = self._open_lead(web=True, revenue=8000, user_id=self.other_salesman.id)
        # a salesperson scores and reads the leads they can read
        own.with_user(self.salesman).action_ai_score_now()
        self.assertTrue(own.with_user(self.salesman).ai_score)
        self.assertTrue(own.with_user(self.salesman).ai_score_history_ids)
        history = self.env["pyme.ai.lead.score"].with_user(self.salesman)
        other.action_ai_score_now()
        self.assertFalse(history.search([("lead_id", "=", other.id)]))
        # only AI administrators train, activate or roll back
        with self.assertRaises(UserError):
            self.scoring.with_user(self.salesman).action_ai_train_now()
        with self.assertRaises(AccessError):
            self._active_model().with_user(self.salesman).action_activate()

    def test_won_stage_never_leaks_into_training(self):
        self._create_history(25, 25)
        data = self.scoring._ai_training_data()
        # the won leads' previous stage is unknown (no tracking here): no stage at all
        self.assertEqual(set(data["table"]["stage"]), {None})
        self.assertEqual(set(data["table"]["days_in_stage"]), {None})
        self.assertEqual(sum(data["target"]), 25)

    def test_capability_fits_the_contract(self):
        self.assertEqual(self.scoring._ai_contract_errors(), [])
        for key in ("auc", "brier", "log_loss", "lift_10", "lift_20"):
            self.assertIn(key, self.scoring._ai_metrics)
        self.assertEqual(self.scoring._ai_metrics["brier"][1], "lower")

    def test_new_model_rescores_every_open_lead(self):
        self._create_history(40, 40)
        lead = self._open_lead(web=True, revenue=8000)  # both trainings see it
        self.scoring._ai_train()
        self.scoring._cron_ai_apply()
        self.assertFalse(lead.ai_needs_scoring)
        history, score = len(lead.ai_score_history_ids), lead.ai_score
        run = self.scoring._ai_train()
        self.assertEqual(run.state, "done", run.message)
        # a cursor on the new model, no flag written on the leads
        self.assertEqual(run.model_id.lead_rescore_after_id, 0)
        self.assertFalse(lead.ai_needs_scoring)
        won = self.env["crm.lead"].search(self.env["crm.lead"]._ai_won_domain())
        self.assertTrue(won)
        # a won lead flagged by an edit is unflagged, never scored
        won[0].write({"expected_revenue": 1234})
        self.assertTrue(won[0].ai_needs_scoring)
        self.scoring._cron_ai_apply()
        self.assertEqual(run.model_id.lead_rescore_after_id, -1)
        self.assertFalse(won[0].ai_needs_scoring)
        self.assertFalse(any(won.mapped("ai_score_date")))
        # the same history gives the same score: the new model's baseline on the
        # lead, and no history row (the score shown did not move)
        self.assertEqual(lead.ai_score, score)
        self.assertEqual(lead.ai_score_model, run.model_id.id)
        self.assertEqual(len(lead.ai_score_history_ids), history)
        self.assertEqual(
            self.scoring._ai_count_pending(run.model_id), 0, "nothing left flagged"
        )
        # the same model again: nothing changed, nothing written
        run.model_id.lead_rescore_after_id = 0
        self.scoring._cron_ai_apply()
        self.assertEqual(run.model_id.lead_rescore_after_id, -1)
        self.assertEqual(len(lead.ai_score_history_ids), history)

    def test_score_now_beyond_a_batch_queues(self):
        self._create_history(40, 40)
        self.scoring._ai_train()
        leads = self._open_lead(web=True, revenue=8000) | self._open_lead(
            web=False, revenue=100
        )
        self.scoring._cron_ai_apply()
        leads.invalidate_recordset()
        scoring_cls = self.registry["pyme.ai.lead.scoring"]
        with patch.object(scoring_cls, "_ai_apply_batch_size", 1):
            action = leads.action_ai_score_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(all(leads.mapped("ai_needs_scoring")))
        self.scoring._cron_ai_apply()
        self.assertFalse(any(leads.mapped("ai_needs_scoring")))

    def test_model_form_gives_a_plain_verdict(self):
        # 80 closed leads: a 20-lead holdout is too few to judge
        self._create_history(40, 40)
        small = self.scoring._ai_train().model_id
        self.assertIn("Too few leads to judge", small.verdict_html)
        self.assertNotIn("<svg", small.verdict_html)
        # 440 more with a weak signal: a verdict against Odoo's native scoring
        self._create_history(220, 220, seed=7, weak=True)
        model = self.scoring._ai_train().model_id
        verdict = model.report["holdout"]["verdict"]
        self.assertIn(verdict["code"], ("better", "not_better"))
        html = str(model.verdict_html)
        self.assertIn(f"On {verdict['n']} leads it never saw", html)
        self.assertIn(f"finds {verdict['found']}% of the sales", html)
        self.assertIn(f"native scoring, {verdict['reference_found']}%", html)
        # gains: AI, Odoo, random; calibration: AI and the diagonal, a dot per bin
        self.assertEqual(html.count("<polyline"), 5)
        bins = model.report["holdout"]["calibration"]
        self.assertEqual(html.count("<circle"), len(bins))
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertIn("que no vio", str(model.with_context(lang="es_ES").verdict_html))
        # the "Does the AI work?" report shows a sales manager the active model's
        active = self._active_model()
        (manager,) = make_users(
            self.env, ai_sales_manager="sales_team.group_sale_manager"
        )
        action = self.env["pyme.ai.lead.verdict"].with_user(manager).action_open()
        report = (
            self.env[action["res_model"]].with_user(manager).browse(action["res_id"])
        )
        self.assertEqual(str(report.verdict_html), str(active.verdict_html))
        self.assertFalse(report.notice)
        leads = active.report["leads"]
        self.assertIn(f"learnt from {leads} closed leads", report.summary)

    def test_a_field_that_gives_the_outcome_away_is_named(self):
        won, __ = self._create_history(100, 100, weak=True)
        signed = self.env["crm.tag"].create({"name": "Contrato firmado"})
        won.tag_ids = signed  # only ever set once the deal is won
        model = self.scoring._ai_train().model_id
        self.assertEqual(
            model.report["holdout"]["verdict"]["column"], f"tag_{signed.id}"
        )
        self.assertIn(
            "the field “Tag: Contrato firmado” alone ranks", model.verdict_html
        )

    def test_does_the_ai_work_says_what_is_missing_before_a_model(self):
        self._create_history(3, 3)
        self.scoring._ai_train()
        action = self.env["pyme.ai.lead.verdict"].action_open()
        report = self.env[action["res_model"]].browse(action["res_id"])
        self.assertFalse(report.verdict_html)
        self.assertIn("there are 3 and 3", report.notice)

    def test_lead_form_puts_the_ai_probability_next_to_odoos(self):
        self._create_history(40, 40)
        self.scoring._ai_train()
        lead = self._open_lead(web=True, revenue=8000)
        self.scoring._cron_ai_apply()
        ai = round(100 * lead.ai_probability)
        self.assertEqual(
            lead.ai_probability_note,
            f"AI: {ai}% from how leads like this one ended in your company; "
            f"Odoo: {round(lead.probability)}% from its native scoring.",
        )
        lead.probability = 45
        self.assertFalse(lead.is_automated_probability)
        self.assertEqual(
            lead.ai_probability_note,
            f"AI: {ai}% from how leads like this one ended in your company; "
            "Odoo: 45%, set by hand.",
        )

    def test_reasons_read_in_two_seconds(self):
        """Formatted values, no reason from a missing value, absent tags worded as
        such, three a side at most, strength from the contribution."""
        tag = self.env["crm.tag"].create({"name": "Feria 2026"})
        lead = self._open_lead(web=True, revenue=24000)
        lead.ai_score_date = fields.Datetime.now()  # scored: its reasons are read
        reasons = {
            "up": [
                {"column": "expected_revenue", "value": 24000.0, "contribution": 1.3},
                {"column": "lead_age_days", "value": 35.00048, "contribution": 0.5},
                {"column": "source", "value": None, "contribution": 0.3},
                {"column": "activities_done", "value": "yes", "contribution": 0.2},
                {"column": "messages_in", "value": 4, "contribution": 0.1},
            ],
            "down": [{"column": f"tag_{tag.id}", "value": "no", "contribution": -0.2}],
        }
        scoring_cls = self.registry["pyme.ai.lead.scoring"]
        self.startPatcher(
            patch.object(
                scoring_cls, "_ai_reasons", lambda self, leads: {lead.id: reasons}
            )
        )
        html = str(lead.ai_reasons_html)
        self.assertIn("▲▲▲</span>Expected Revenue = ", html)
        self.assertIn("24,000.00", html)
        self.assertIn("▲▲</span>Lead Age (days) = 35<", html)
        self.assertNotIn("Source", html)  # missing: no reason
        self.assertIn("▲</span>Activities Done = Yes", html)
        self.assertNotIn("Messages Received", html)  # the fourth up is left out
        self.assertIn("▼</span>Without the tag “Feria 2026”", html)
        self.env["res.lang"]._activate_lang("es_ES")
        spanish = str(lead.with_context(lang="es_ES").ai_reasons_html)
        self.assertIn("24.000,00", spanish)
        self.assertIn("Sin la etiqueta «Feria 2026»", spanish)

    def test_reasons_are_the_breakdown_of_the_stored_score(self):
        """Not stored: computed when read, from the active model and the lead seen
        when it was scored, they add up to the score the scoring wrote."""
        self._create_history(40, 40)
        self.scoring._ai_train()
        lead = self._open_lead(web=True, revenue=8000)
        self.scoring._cron_ai_apply()
        self.assertFalse(self.env["crm.lead"]._fields["ai_reasons"].store)
        engine_model = self._active_model()._read_engine_model()
        table, __, __ = self.scoring._ai_lead_table_state(
            lead.ids, {lead.id: lead.ai_score_date}, []
        )
        contributions, __, logit = engine_model.contributions(table)
        self.assertEqual(lead.ai_score, round(100 / (1 + math.exp(-logit[0]))))
        shown = lead.ai_reasons["up"] + lead.ai_reasons["down"]
        strongest = sorted(contributions[0], key=abs, reverse=True)[0]
        self.assertIn(round(float(strongest), 4), [r["contribution"] for r in shown])
        # read later, the lead is still seen when it was scored: the same reasons
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            lead.invalidate_recordset(["ai_reasons"])
            self.assertEqual(lead.ai_reasons["up"] + lead.ai_reasons["down"], shown)
        # only the columns the model reads are computed, with the same values
        needed = set(engine_model.required_columns())
        self.assertTrue(needed)
        part, __, __ = self.scoring._ai_lead_table_state(
            lead.ids, {lead.id: lead.ai_score_date}, [], needed=needed
        )
        self.assertLessEqual(needed, set(part))
        self.assertEqual({c: part[c] for c in needed}, {c: table[c] for c in needed})
        groups = defaultdict(set)  # columns computed together (one per reader)
        for feature in FEATURES:
            groups[
                feature.read if isinstance(feature.read, str) else feature.column
            ].add(feature.column)
        unread = [columns for columns in groups.values() if not columns & needed]
        self.assertTrue(unread)
        self.assertFalse(set().union(*unread) & set(part))
        self.assertEqual(
            engine_model.logit(part).tolist(), engine_model.logit(table).tolist()
        )
        # and only their fields are read
        read = self.scoring._ai_lead_rows(lead.ids, needed=needed)
        fields_needed = {f for x in FEATURES if x.column in needed for f in x.fields}
        self.assertLessEqual(fields_needed - {"tag_ids"}, set(read))
        self.assertLess(len(read), len(self.scoring._ai_lead_rows(lead.ids)))

    def test_full_rescoring_walks_stripes_one_batch_per_call(self):
        """After a new model, every open lead is scored once, one batch per call,
        stripe by stripe (id modulo RESCORE_STRIPES)."""
        self._create_history(40, 40)
        leads = self.env["crm.lead"]
        for i in range(9):
            leads |= self._open_lead(web=bool(i % 2), revenue=500 + 700 * i)
        ai_model = self.scoring._ai_train().model_id
        self.assertEqual(
            (ai_model.lead_rescore_stripe, ai_model.lead_rescore_after_id), (0, 0)
        )
        leads.ai_needs_scoring = False  # only the walk is left
        scoring_cls = self.registry["pyme.ai.lead.scoring"]
        self.startPatcher(patch.object(scoring_cls, "_ai_apply_batch_size", 2))
        batches = []
        applied = scoring_cls._ai_apply

        def record(scoring, records, engine_model, model, rows=None):
            batches.append(records.ids)
            self.assertEqual(rows["id"], records.ids)  # read once, by the walk
            return applied(scoring, records, engine_model, model, rows)

        with patch.object(scoring_cls, "_ai_apply", record):
            for __ in range(30):
                done, left = self.scoring._ai_apply_pending(ai_model)
                self.assertTrue(done or not left, "a call with work left does some")
                if not left:
                    break
        self.assertEqual(self.scoring._ai_count_pending(ai_model), 0)
        self.assertTrue(all(len(batch) <= 2 for batch in batches))

        def order(lead_id):
            return lead_id % RESCORE_STRIPES, lead_id

        walked = [i for batch in batches for i in sorted(batch, key=order)]
        self.assertEqual(walked, sorted(leads.ids, key=order))
        self.assertTrue(all(leads.mapped("ai_score")))

    def test_a_flagged_lead_on_the_walk_is_read_once(self):
        self._create_history(40, 40)
        leads = self._open_lead(web=True, revenue=900) | self._open_lead(
            web=False, revenue=100
        )
        ai_model = self.scoring._ai_train().model_id
        Lead = self.env["crm.lead"]
        Lead.search([("ai_needs_scoring", "=", True)]).ai_needs_scoring = False
        lead = leads[0]
        stripe = lead.id % RESCORE_STRIPES
        ai_model.write({"lead_rescore_stripe": stripe, "lead_rescore_after_id": 0})
        lead.ai_needs_scoring = True
        rows = self.scoring._ai_next_rows(ai_model, 1000)
        open_leads = Lead.search([("probability", "<", 100)])
        walk = sorted(
            (
                i
                for i in open_leads.ids
                if i % RESCORE_STRIPES >= stripe and i != lead.id
            ),
            key=lambda i: (i % RESCORE_STRIPES, i),
        )
        # the flagged lead first, then the walk from its stripe on, without it again
        self.assertEqual(rows["id"], [lead.id, *walk])
        self.assertEqual({len(values) for values in rows.values()}, {len(rows["id"])})
        self.assertEqual(rows["expected_revenue"][0], 900)
        self.assertTrue(rows["ai_needs_scoring"][0])

    def test_reasons_render_ids_in_the_reader_language(self):
        self._create_history(40, 40)
        self.scoring._ai_train()
        lead = self._open_lead(web=True, revenue=8000)
        self.scoring._cron_ai_apply()
        values = {
            r["column"]: r["value"]
            for r in lead.ai_reasons["up"] + lead.ai_reasons["down"]
        }
        if "source" in values:
            self.assertEqual(values["source"], f"#{self.source_web.id}")
            self.assertIn("Website AI", lead.ai_reasons_html)
