# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .test_pipeline import LOGGER, PipelineCase


@tagged("post_install", "-at_install")
class TestDealRisk(PipelineCase):
    def _set(self, leads, column, when):
        """Backdate ``column`` (date_closed, date_last_stage_update...) of ``leads``."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET %s = %s WHERE id = ANY(%s)",
                SQL.identifier(column),
                when,
                leads.ids,
            )
        )
        leads.invalidate_recordset([column])

    def _stalling_history(self):
        """15 deals won after 8 days in Proposal; 20 lost after 70 days there."""
        now = fields.Datetime.now()
        won = self._leads(15, name="Won")
        self._created(won, now - timedelta(days=60))
        self._move(won, self.stage_proposal, now - timedelta(days=58))
        self._move(won, self.stage_won, now - timedelta(days=50))
        lost = self._leads(20, name="Lost")
        self._created(lost, now - timedelta(days=80))
        self._move(lost, self.stage_proposal, now - timedelta(days=78))
        lost.action_set_lost()
        self._set(lost, "date_closed", now - timedelta(days=8))
        return won, lost

    def _open_deal(self, name, days_in_proposal, activity=True):
        now = fields.Datetime.now()
        deal = self._leads(1, name=name, source_id=self.source_web.id)
        self._created(deal, now - timedelta(days=days_in_proposal + 5))
        self._move(deal, self.stage_proposal, now - timedelta(days=days_in_proposal))
        self._set(
            deal, "date_last_stage_update", now - timedelta(days=days_in_proposal)
        )
        if activity:
            deal.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.today() + timedelta(days=1),
            )
        return deal

    def _train_and_apply(self):
        risk = self.env["pyme.ai.deal.risk"]
        run = risk._ai_train()
        self.assertEqual(run.state, "done", run.message)
        risk._cron_ai_apply()
        return risk, self.env["pyme.ai.model"]._get_active("deal_risk")

    def test_capabilities_fit_the_contract(self):
        risk = self.env["pyme.ai.deal.risk"]
        forecast = self.env["pyme.ai.revenue.forecast"]
        for capability in (risk, forecast):
            self.assertEqual(capability._ai_contract_errors(), [])
            self.assertFalse(capability._ai_protect_active)
        self.assertEqual(risk._ai_apply_mode, "batch")
        self.assertEqual(risk._ai_target_model, "crm.lead")
        self.assertEqual(forecast._ai_apply_mode, "company")
        self.assertEqual(
            forecast._ai_metric_info()["backtest_mape"],
            ("Backtest error (MAPE)", "lower"),
        )
        self.env["res.lang"]._activate_lang("es_ES")
        info = risk.with_context(lang="es_ES")._ai_metric_info()
        self.assertEqual(info["stages_learnt"][0], "Etapas con un tiempo habitual")
        # a share that describes the data: no better or worse
        self.assertEqual(
            info["flag_share"], ("Parte de las oportunidades pasadas marcadas", None)
        )
        self.assertEqual(info["lift"][1], "higher")

    def test_the_signal_that_comes_before_losses(self):
        """Deals that stall in Proposal were lost: stalling open deals are at risk,
        ordered by risk; no next activity and a falling score are not (the history
        says nothing about them)."""
        self._stalling_history()
        web, call = self._contact_history()  # 40 more closed deals, no signal
        stuck = self._open_deal("Stuck", 30)
        stuck_too = self._open_deal("Stuck too", 20)
        fresh = self._open_deal("Fresh", 1)
        idle = self._open_deal("Idle", 1, activity=False)
        falling = self._open_deal("Falling", 1)
        falling.write({"ai_score": 40, "ai_score_previous": 70})
        new_lead = self._leads(1, name="New lead", type="lead")
        risk, model = self._train_and_apply()

        stages = model.report["durations"]["stages"]
        self.assertEqual(stages[str(self.stage_proposal.id)]["usual_days"], 8.0)
        signals = model.report["risk"]["signals"]
        self.assertEqual(list(model.report["risk"]["weights"]), ["stuck"])
        self.assertEqual(signals["stuck"]["loss_rate"], 1.0)
        self.assertGreaterEqual(signals["stuck"]["n"], 10)
        self.assertEqual(signals["score_drop"]["n"], 0)  # no score history
        self.assertFalse(model.report["risk"]["activities"]["used"])  # none kept
        # the backtest: 75 closed deals (35 won, 40 lost), at most 20 % flagged
        metrics = model.metrics
        self.assertEqual(metrics["closed_deals"], 75)
        self.assertEqual(metrics["base_loss_rate"], round(40 / 75, 4))
        self.assertLessEqual(metrics["flag_share"], 0.2)
        self.assertEqual(metrics["loss_rate_flagged"], 1.0)
        self.assertGreaterEqual(metrics["lift"], 1.5)
        self.assertEqual(model.primary_metric, "lift")
        self.assertIn("Loss rate of flagged deals vs the rest", model.metrics_html)

        def codes(lead):
            return [r["code"] for r in lead.ai_risk_reasons or []]

        # 5 open opportunities, at most 20 %: the one longest in its stage
        at_risk = self.env["crm.lead"].search([("ai_at_risk", "=", True)])
        self.assertEqual(at_risk, stuck)
        self.assertEqual(codes(stuck), ["stuck"])
        self.assertEqual(stuck.ai_risk_reasons[0]["days"], 30)
        self.assertGreater(stuck.ai_risk, 0.8)
        self.assertEqual(stuck_too.ai_risk, stuck.ai_risk)
        self.assertEqual(codes(stuck_too), ["stuck"])  # eligible, over the cap
        self.assertFalse(stuck_too.ai_at_risk)
        text = stuck.ai_risk_reasons_text.splitlines()
        self.assertEqual(
            text[0],
            f"Loss risk {round(stuck.ai_risk * 100)}% (usually 53% of deals are lost).",
        )
        self.assertTrue(
            text[1].startswith(
                "In stage Proposal AI for 30 days; deals usually leave it within 8 days"
            )
        )
        for deal in fresh | idle | falling:
            self.assertFalse(deal.ai_at_risk or deal.ai_risk_reasons, deal.name)
            self.assertLess(deal.ai_risk, 0.53)
        self.assertFalse((web | call).filtered("ai_at_risk"))
        self.assertFalse(new_lead.ai_at_risk or new_lead.ai_risk)
        # the deals-at-risk list, riskiest first
        action = self.env.ref("pyme_ai_crm_pipeline.crm_lead_action_at_risk")
        view = self.env.ref("pyme_ai_crm_pipeline.crm_lead_view_list_at_risk")
        self.assertEqual(action.view_id, view)
        self.assertIn(
            'default_order="ai_risk desc, date_last_stage_update"', view.arch_db
        )
        self.assertEqual(
            self.env["crm.lead"].search(
                [("ai_risk", "!=", False)], order="ai_risk desc"
            )[:2],
            stuck | stuck_too,
        )
        # in the reader's language
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertTrue(
            stuck.with_context(lang="es_ES").ai_risk_reasons_text.startswith(
                "Riesgo de pérdida"
            )
        )

        # best time to contact: Tuesday 08:00-11:00 (Madrid), by source when known
        self.assertEqual(stuck.ai_best_contact["weekday"], 1)
        self.assertEqual(stuck.ai_best_contact["band"], [8, 11])
        self.assertTrue(stuck.ai_best_contact_text.startswith("Tuesday 08:00-11:00"))
        self.assertEqual(new_lead.ai_best_contact["band"], [8, 11])
        self.assertTrue(
            new_lead.with_context(lang="es_ES").ai_best_contact_text.startswith(
                "Martes 08:00-11:00"
            )
        )
        # closed deals are no longer at risk
        stuck.action_set_lost()
        self.assertFalse(stuck.ai_at_risk)
        # a rerun does not touch deals checked recently
        self.assertFalse(
            self.env["crm.lead"].search(risk._ai_apply_domain(model))
            & (fresh | falling | stuck_too)
        )

    def test_no_next_activity_where_the_company_plans_activities(self):
        """The company keeps done activities: won deals had one planned all along,
        lost ones none. An idle open deal is at risk until someone (a follow-up
        rule, say) plans an activity."""
        now = fields.Datetime.now()
        self.env.ref("mail.mail_activity_data_todo").keep_done = True
        won = self._leads(20, name="Won")
        lost = self._leads(20, name="Lost")
        self._created(won | lost, now - timedelta(days=20))
        for deal in won:
            deal.activity_schedule("mail.mail_activity_data_todo")
        won.activity_ids.action_done()
        self._move(won, self.stage_won, now - timedelta(days=10))
        lost.action_set_lost()
        self._set(lost, "date_closed", now - timedelta(days=10))
        done = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", "crm.lead"), ("res_id", "in", won.ids)])
        )
        self.assertEqual(len(done), 20)
        self.assertFalse(any(done.mapped("active")))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_activity SET create_date = %s, date_done = %s"
            " WHERE id = ANY(%s)",
            (now - timedelta(days=20), (now - timedelta(days=10)).date(), done.ids),
        )
        idle = self._open_deal("Idle", 2, activity=False)
        busy = self._open_deal("Busy", 2)
        others = self._leads(3, name="Other")
        for deal in others:
            deal.activity_schedule("mail.mail_activity_data_todo")
        risk, model = self._train_and_apply()
        self.assertEqual(model.report["risk"]["activities"]["planned_share"], 0.5)
        self.assertEqual(list(model.report["risk"]["weights"]), ["no_next_activity"])
        self.assertTrue(idle.ai_at_risk)
        self.assertEqual(
            [r["code"] for r in idle.ai_risk_reasons], ["no_next_activity"]
        )
        self.assertIn("No next activity is planned.", idle.ai_risk_reasons_text)
        self.assertFalse(busy.ai_at_risk or (busy | others).filtered("ai_at_risk"))

        # a follow-up rule plans an activity (as pyme_ai_crm_followup does) after
        # the deal was checked: the deal is checked again at the next run
        self._set(idle, "ai_risk_date", now - timedelta(hours=1))
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": idle.id,
                "activity_type_id": self.call.id,
                "summary": "Follow-up rule",
                "date_deadline": fields.Date.today() + timedelta(days=2),
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(
            self.env["crm.lead"].search(risk._ai_apply_domain(model)), idle
        )
        risk._cron_ai_apply()
        self.assertFalse(idle.ai_at_risk or idle.ai_risk_reasons)

    def test_what_was_known_at_the_moment(self):
        """Scores and kept activities as they were at a closed deal's moment;
        nothing recorded after it."""
        now = fields.Datetime.now()
        deal = self._leads(1, name="Closed")
        moment = now - timedelta(days=10)
        self.env["pyme.ai.lead.score"].create(
            [
                {"lead_id": deal.id, "date": now - timedelta(days=days), "score": score}
                for days, score in ((14, 70), (12, 45), (5, 90))
            ]
        )
        self.env.ref("mail.mail_activity_data_todo").keep_done = True
        deal.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=(now - timedelta(days=11)).date(),
        )
        deal.activity_ids.action_done()
        activity = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", deal.id)])
        )
        risk = self.env["pyme.ai.deal.risk"]
        for created, done, planned in ((13, 9, True), (13, 10, True), (9, 5, False)):
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE mail_activity SET create_date = %s, date_done = %s"
                " WHERE id = %s",
                (
                    now - timedelta(days=created),
                    (now - timedelta(days=done)).date(),
                    activity.id,
                ),
            )
            scores, activities = risk._ai_known_at({deal.id: moment})
            # 70 then 45 before the moment; the 90 came after it
            self.assertEqual(scores, {deal.id: {"score": 45, "previous_score": 70}})
            expected = {deal.id: (now - timedelta(days=11)).date()} if planned else {}
            self.assertEqual(activities, expected, (created, done))
        # done activities not kept: the history cannot say
        activity.unlink()
        self.assertIsNone(risk._ai_known_at({deal.id: moment})[1])

    def test_silent_without_enough_history(self):
        self._contact_history()
        self.env["ir.config_parameter"].set_param("pyme_ai_base.min_samples", "500")
        with mute_logger(LOGGER):
            run = self.env["pyme.ai.deal.risk"]._ai_train()
        self.assertEqual(run.state, "no_data")
        self.assertIn("The AI needs 500 finished stage periods", run.message)
        self.assertFalse(self.env["pyme.ai.model"]._get_active("deal_risk"))

    def test_silent_without_lost_deals(self):
        now = fields.Datetime.now()
        won = self._leads(6, name="Won")
        self._created(won, now - timedelta(days=60))
        self._move(won, self.stage_proposal, now - timedelta(days=58))
        self._move(won, self.stage_won, now - timedelta(days=48))
        with mute_logger(LOGGER):
            run = self.env["pyme.ai.deal.risk"]._ai_train()
        self.assertEqual(run.state, "no_data")
        self.assertEqual(
            run.message,
            "The AI needs 5 won and 5 lost opportunities to learn which signals "
            "come before a loss; there are 6 and 0.",
        )

    def test_best_time_silent_below_minimum(self):
        self._stalling_history()
        web, _call = self._contact_history()
        web[0].unlink()  # 39 first contacts, one short of the minimum (40)
        deal = self._open_deal("Open deal", 1, activity=False)
        self._train_and_apply()
        model = self.env["pyme.ai.model"]._get_active("deal_risk")
        self.assertIsNone(model.report["contact"]["all"])
        self.assertEqual(model.metrics["first_contacts"], 39)
        self.assertFalse(deal.ai_best_contact)
        self.assertFalse(deal.ai_best_contact_text)
        # the risk still works: not stuck, and no next activity tells nothing here
        self.assertFalse(deal.ai_at_risk)
        self.assertLess(deal.ai_risk, model.metrics["base_loss_rate"])

    def test_salesman_sees_own_at_risk_deals_only(self):
        own = self._leads(1, name="Own")
        other = self._leads(1, name="Other", user_id=self.other_salesman.id)
        (own | other).write({"ai_at_risk": True})
        found = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .search([("ai_at_risk", "=", True)])
        )
        self.assertIn(own, found)
        self.assertNotIn(other, found)
