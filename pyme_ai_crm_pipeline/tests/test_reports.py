# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import escape

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_pipeline import PipelineCase


@tagged("post_install", "-at_install")
class TestReports(PipelineCase):
    """Stage-stall insights, the report actions and menus, company rules and the
    settings switches of the forecast and insights."""

    def _stage_history(self, n=12):
        """``n`` won deals: 2 days in New, 10 days in Proposal, then won."""
        leads = self._leads(n)
        start = fields.Datetime.now() - timedelta(days=40)
        self._created(leads, start)
        self._move(leads, self.stage_proposal, start + timedelta(days=2))
        self._move(leads, self.stage_won, start + timedelta(days=12))
        self.env.invalidate_all()
        return leads

    def test_stage_stall_insight(self):
        """24 finished stage periods (12 x 2 days in New, 12 x 10 days in
        Proposal; the won stage does not count): overall median 6 days, Proposal
        10 days = 1.67 x the overall median, New 2 days (no finding)."""
        self._stage_history()
        Param = self.env["ir.config_parameter"]
        Param.set_param("pyme_ai_crm_pipeline.insight_min_sample", "12")
        Insight = self.env["pyme.ai.insight"]
        Insight._compute_for_company()
        insight = Insight.search([])
        self.assertEqual(len(insight), 1)
        self.assertEqual(insight.code, "stage_stalls")
        self.assertEqual(insight.stage_id, self.stage_proposal)
        self.assertEqual(insight.sample_size, 24)
        self.assertEqual(insight.params["median_days"], 10.0)
        self.assertEqual(insight.params["overall_median_days"], 6.0)
        self.assertEqual(insight.params["n"], 12)
        self.assertEqual(
            insight.text,
            "Deals stall in stage Proposal AI: median 10 days there (12 stage "
            "periods) vs 6 days per stage overall (24 stage periods).",
        )
        # rendered at read time in the reader's language
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertTrue(
            insight.with_context(lang="es_ES").text.startswith(
                "Las oportunidades se estancan en la etapa Proposal AI: mediana de "
                "10 días"
            )
        )
        # a stage with fewer periods than the minimum sample says nothing
        Param.set_param("pyme_ai_crm_pipeline.insight_min_sample", "13")
        Insight._compute_for_company()
        self.assertFalse(Insight.search([]))

    def test_silent_below_minimum(self):
        """The 40-deal contact history gives source and salesperson findings at a
        minimum of 10; at 50 no finding of any kind is shown."""
        self._contact_history()
        Param = self.env["ir.config_parameter"]
        Insight = self.env["pyme.ai.insight"]
        Param.set_param("pyme_ai_crm_pipeline.insight_min_sample", "10")
        Insight._compute_for_company()
        self.assertEqual(
            set(Insight.search([]).mapped("code")),
            {"source_wins_more", "source_wins_less", "salesperson_activity_wins_more"},
        )
        Param.set_param("pyme_ai_crm_pipeline.insight_min_sample", "50")
        Insight._compute_for_company()
        self.assertFalse(Insight.search([]))

    def test_actions_menus_and_companies(self):
        manager = new_test_user(
            self.env,
            login="ai_report_manager",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        other = self.env["res.company"].create({"name": "Other report company"})
        manager.company_ids = [(4, other.id)]
        Line = self.env["pyme.ai.revenue.forecast.line"]
        month = fields.Date.today().replace(day=1)
        values = {
            "level": "salesperson",
            "month": month,
            "user_id": self.salesman.id,
            "expected": 700.0,
            "odoo_prorated": 300.0,
            "n_deals": 2,
            "backtest_mape": 25.0,
        }
        line = Line.create(dict(values, company_id=self.env.company.id))
        foreign = Line.create(dict(values, company_id=other.id, expected=90.0))
        insight = self.env["pyme.ai.insight"].create(
            {
                "company_id": other.id,
                "code": "stage_stalls",
                "params": {"median_days": 9.0, "overall_median_days": 3.0, "n": 30},
                "stage_id": self.stage_proposal.id,
                "sample_size": 60,
            }
        )
        for xmlid, model in (
            ("pyme_ai_crm_pipeline.pyme_ai_revenue_forecast_line_action", Line._name),
            ("pyme_ai_crm_pipeline.pyme_ai_insight_action", "pyme.ai.insight"),
        ):
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            self.assertEqual(action["res_model"], model)
            views = [(False, mode) for mode in action["view_mode"].split(",")]
            self.env[model].with_user(self.salesman).get_views(
                views + [(False, "search")]
            )
        for xmlid in ("crm_menu_ai_revenue_forecast", "crm_menu_ai_insights"):
            menu = self.env.ref(f"pyme_ai_crm_pipeline.{xmlid}")
            self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))

        # the pivot's numbers, per company as the company switcher selects them
        def pivot(user, companies):
            return (
                Line.with_user(user)
                .with_context(allowed_company_ids=companies.ids)
                .read_group(
                    [],
                    ["expected:sum", "odoo_prorated:sum", "backtest_mape:max"],
                    ["month:month"],
                )
            )

        here = pivot(manager, self.env.company)
        self.assertEqual(
            (here[0]["expected"], here[0]["odoo_prorated"], here[0]["backtest_mape"]),
            (700.0, 300.0, 25.0),
        )
        both = pivot(manager, self.env.company | other)
        self.assertEqual(both[0]["expected"], 790.0)
        self.assertEqual(pivot(self.salesman, self.env.company)[0]["expected"], 700.0)
        self.assertFalse(Line.with_user(self.other_salesman).search([]))
        main = {"allowed_company_ids": self.env.company.ids}
        self.assertEqual(Line.with_user(manager).with_context(**main).search([]), line)
        self.assertEqual(
            Line.with_user(manager).search([]), line | foreign
        )  # all of the user's companies when none is selected
        Insight = self.env["pyme.ai.insight"].with_user(manager)
        self.assertFalse(Insight.with_context(**main).search([]))
        self.assertEqual(
            Insight.with_context(allowed_company_ids=[other.id]).search([]), insight
        )

    def test_settings_switches(self):
        insights = self.env.ref("pyme_ai_crm_pipeline.ir_cron_compute_insights")
        settings = self.env["res.config.settings"].create(
            {
                "pyme_ai_crm_pipeline_insights_enabled": False,
                "pyme_ai_crm_pipeline_insight_min_sample": 33,
            }
        )
        settings.execute()
        self.assertFalse(insights.active)
        self.assertEqual(self.env["pyme.ai.insight"]._min_sample(), 33)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.pyme_ai_crm_pipeline_insights_enabled)
        settings.pyme_ai_crm_pipeline_insights_enabled = True
        settings.execute()
        self.assertTrue(insights.active)
        # the capabilities have no settings field: the base switches their crons
        for field in ("pyme_ai_crm_forecast_enabled", "pyme_ai_crm_deal_risk_enabled"):
            self.assertNotIn(field, settings._fields)
        forecast = self.env["pyme.ai.revenue.forecast"]
        train = self.env.ref("pyme_ai_crm_pipeline.ir_cron_train_revenue_forecast")
        apply = self.env.ref("pyme_ai_crm_pipeline.ir_cron_revenue_forecast")
        forecast._ai_set_enabled(False)
        self.assertFalse(train.active or apply.active or forecast._ai_is_enabled())
        forecast._ai_set_enabled(True)
        self.assertTrue(train.active and apply.active and forecast._ai_is_enabled())


@tagged("post_install", "-at_install")
class TestReportNotices(PipelineCase):
    """A report menu whose report is empty for lack of data says what is missing,
    in the reader's language, instead of its static title."""

    def _open(self, xmlid, lang="es_ES"):
        action = self.env.ref(f"pyme_ai_crm_pipeline.{xmlid}")
        return action.with_context(lang=lang).run()

    def test_empty_reports_say_what_is_missing(self):
        self.env["res.lang"]._activate_lang("es_ES")
        for menu, action in (
            ("crm_menu_deals_at_risk", "crm_lead_action_at_risk_open"),
            (
                "crm_menu_ai_revenue_forecast",
                "pyme_ai_revenue_forecast_line_action_open",
            ),
            ("crm_menu_ai_insights", "pyme_ai_insight_action_open"),
        ):
            self.assertEqual(
                self.env.ref(f"pyme_ai_crm_pipeline.{menu}").action,
                self.env.ref(f"pyme_ai_crm_pipeline.{action}"),
            )
        # no model yet: the capability's own notice, then the static explanation
        risk = self._open("crm_lead_action_at_risk_open")
        self.assertEqual(risk["res_model"], "crm.lead")
        self.assertIn("('ai_at_risk', '=', True)", risk["domain"])
        self.assertNotIn("No deal is at risk", risk["help"])
        notice = self.env["pyme.ai.deal.risk"].with_context(lang="es_ES")._ai_notice()
        self.assertTrue(notice)
        self.assertIn(escape(notice), risk["help"])
        self.assertIn("o_view_nocontent_empty_folder", risk["help"])
        forecast = self._open("pyme_ai_revenue_forecast_line_action_open")
        self.assertEqual(forecast["res_model"], "pyme.ai.revenue.forecast.line")
        self.assertIn(
            escape(
                self.env["pyme.ai.revenue.forecast"]
                .with_context(lang="es_ES")
                ._ai_notice()
            ),
            forecast["help"],
        )
        # insights count closed deals against twice the minimum sample
        self.env["ir.config_parameter"].set_param(
            "pyme_ai_crm_pipeline.insight_min_sample", "3"
        )
        insights = self._open("pyme_ai_insight_action_open")
        self.assertIn(
            "Los hallazgos necesitan al menos 6 oportunidades cerradas (ganadas o "
            "perdidas) para comparar; hay 0.",
            insights["help"],
        )
        self.assertIn(
            "Findings need at least 6",
            self._open("pyme_ai_insight_action_open", lang="en_US")["help"],
        )
        leads = self._leads(6)
        leads[:3].write({"stage_id": self.stage_won.id})
        leads[3:].action_set_lost()
        insights = self._open("pyme_ai_insight_action_open")
        self.assertNotIn("Los hallazgos necesitan", insights["help"])
        static = (
            self.env["ir.actions.act_window"]
            .with_context(lang="es_ES")
            ._for_xml_id("pyme_ai_crm_pipeline.pyme_ai_insight_action")
        )
        self.assertEqual(str(insights["help"]), str(static["help"]))
