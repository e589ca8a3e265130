# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

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
class TestDealRisk(PipelineCase):
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
        self.assertEqual(
            risk.with_context(lang="es_ES")._ai_metric_info()["stages_learnt"][0],
            "Etapas con un tiempo habitual",
        )

    def test_flags_and_reasons(self):
        now = fields.Datetime.now()
        history = self._leads(6)
        self._created(history, now - timedelta(days=60))
        self._move(history, self.stage_proposal, now - timedelta(days=58))
        self._move(history, self.stage_won, now - timedelta(days=48))
        web, call = self._contact_history()

        stuck = self._leads(1, name="Stuck", source_id=self.source_web.id)
        self._created(stuck, now - timedelta(days=40))
        self._move(stuck, self.stage_proposal, now - timedelta(days=30))
        fresh = self._leads(1, name="Fresh")
        self._created(fresh, now - timedelta(days=3))
        self._move(fresh, self.stage_proposal, now - timedelta(days=1))
        idle = self._leads(1, name="Idle")
        self._created(idle, now - timedelta(hours=20))
        falling = self._leads(1, name="Falling")
        self._created(falling, now - timedelta(hours=20))
        falling.write({"ai_score": 40, "ai_score_previous": 70})
        new_lead = self._leads(1, name="New lead", type="lead")
        for lead in stuck | fresh | falling:
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.today() + timedelta(days=1),
            )

        risk = self.env["pyme.ai.deal.risk"]
        run = risk._ai_train()
        self.assertEqual(run.state, "done", run.message)
        model = self.env["pyme.ai.model"]._get_active("deal_risk")
        stages = model.report["durations"]["stages"]
        # proposal: 6 history leads x 10 days, the stuck one still open
        self.assertEqual(stages[str(self.stage_proposal.id)]["usual_days"], 10.0)
        self.assertEqual(model.metrics["stages_learnt"], 2)
        # stays that ended by moving on: 6 history, stuck and fresh; not the 20
        # leads lost in New right after creation
        self.assertEqual(stages[str(self.stage_new.id)]["n"], 8)
        self.assertEqual(stages[str(self.stage_new.id)]["usual_days"], 2.0)
        risk._cron_ai_apply()

        def codes(lead):
            return [r["code"] for r in lead.ai_risk_reasons or []]

        self.assertEqual(codes(stuck), ["stuck"])
        self.assertEqual(stuck.ai_risk_reasons[0]["days"], 30)
        self.assertIn(
            "In stage Proposal AI for 30 days; deals usually leave it within 10 days",
            stuck.ai_risk_reasons_text,
        )
        self.assertEqual(codes(fresh), [])
        self.assertFalse(fresh.ai_at_risk)
        self.assertEqual(codes(idle), ["no_next_activity"])
        self.assertEqual(codes(falling), ["score_drop"])
        self.assertIn("AI score fell from 70 to 40.", falling.ai_risk_reasons_text)
        # an overdue activity reads with the right plural
        falling.ai_risk_reasons = [{"code": "activity_overdue", "days_overdue": 1}]
        self.assertEqual(
            falling.ai_risk_reasons_text, "The next activity is one day overdue."
        )
        falling.ai_risk_reasons = [{"code": "activity_overdue", "days_overdue": 3}]
        self.assertEqual(
            falling.ai_risk_reasons_text, "The next activity is 3 days overdue."
        )
        falling.ai_risk_reasons = [
            {"code": "score_drop", "previous_score": 70, "score": 40}
        ]
        self.assertTrue((stuck | idle | falling).mapped("ai_at_risk") == [True] * 3)
        at_risk = self.env["crm.lead"].search([("ai_at_risk", "=", True)])
        self.assertEqual(at_risk, stuck | idle | falling)
        self.assertFalse((web | call).filtered("ai_at_risk"))

        # best time to contact: Tuesday 08:00-11:00 (Madrid), by source when known
        self.assertEqual(stuck.ai_best_contact["weekday"], 1)
        self.assertEqual(stuck.ai_best_contact["band"], [8, 11])
        self.assertEqual(
            stuck.ai_best_contact_text,
            "Tuesday 08:00-11:00 (80% won when first contacted then, vs 50% overall; "
            "20 of 40 leads)",
        )
        # the web source alone has 20 first contacts (< 40): overall answer
        self.assertEqual(idle.ai_best_contact["n_events"], 40)
        # leads (not yet opportunities) get the best time but are never at risk
        self.assertFalse(new_lead.ai_at_risk)
        self.assertEqual(new_lead.ai_best_contact["band"], [8, 11])
        self.assertTrue(new_lead.ai_best_contact_text.startswith("Tuesday 08:00"))
        # in the user's language
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertTrue(
            new_lead.with_context(lang="es_ES").ai_best_contact_text.startswith(
                "Martes 08:00-11:00 (80% ganadas"
            )
        )

        # closed deals are no longer at risk
        stuck.action_set_lost()
        idle.write({"stage_id": self.stage_won.id, "probability": 100})
        self.assertFalse(stuck.ai_at_risk or idle.ai_at_risk)
        # a rerun does not touch deals checked recently
        self.assertFalse(
            self.env["crm.lead"].search(risk._ai_apply_domain(model))
            & (fresh | falling)
        )

    def test_silent_without_enough_history(self):
        self._contact_history()
        self.env["ir.config_parameter"].set_param("pyme_ai_base.min_samples", "500")
        with mute_logger(LOGGER):
            run = self.env["pyme.ai.deal.risk"]._ai_train()
        self.assertEqual(run.state, "no_data")
        self.assertIn("The AI needs 500 finished stage periods", run.message)
        self.assertFalse(self.env["pyme.ai.model"]._get_active("deal_risk"))

    def test_best_time_silent_below_minimum(self):
        now = fields.Datetime.now()
        history = self._leads(6)
        self._created(history, now - timedelta(days=60))
        self._move(history, self.stage_proposal, now - timedelta(days=58))
        self._move(history, self.stage_won, now - timedelta(days=48))
        web, _call = self._contact_history()
        web[0].unlink()  # 39 first contacts, one short of the minimum (40)
        deal = self._leads(1, name="Open deal")
        self._created(deal, now - timedelta(days=3))
        self._move(deal, self.stage_proposal, now - timedelta(days=1))  # not stuck
        risk = self.env["pyme.ai.deal.risk"]
        self.assertEqual(risk._ai_train().state, "done")
        model = self.env["pyme.ai.model"]._get_active("deal_risk")
        self.assertIsNone(model.report["contact"]["all"])
        self.assertEqual(model.metrics["first_contacts"], 39)
        risk._cron_ai_apply()
        self.assertFalse(deal.ai_best_contact)
        self.assertFalse(deal.ai_best_contact_text)
        # the other rules still work
        self.assertEqual(
            [r["code"] for r in deal.ai_risk_reasons], ["no_next_activity"]
        )
        self.assertTrue(deal.ai_at_risk)

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
