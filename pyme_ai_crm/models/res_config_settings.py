# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .pyme_ai_insight import DEFAULT_MIN_SAMPLE
from .pyme_ai_insight import MIN_SAMPLE_PARAM as INSIGHT_MIN_SAMPLE_PARAM
from .pyme_ai_lead_scoring import HOT_PARAM, WARM_PARAM

INSIGHTS_CRON = "pyme_ai_crm.ir_cron_compute_insights"
FOLLOWUP_CRON = "pyme_ai_crm.ir_cron_followup_rules"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_enabled = fields.Boolean(
        string="Score Leads",
        compute="_compute_pyme_ai_crm_enabled",
        inverse="_inverse_pyme_ai_crm_enabled",
        help="Train the lead scoring model and score leads on schedule.",
    )
    pyme_ai_crm_hot_threshold = fields.Integer(
        string="Hot From Score",
        config_parameter=HOT_PARAM,
        help="Leads scoring at least this much are hot. 0: learnt from your data.",
    )
    pyme_ai_crm_warm_threshold = fields.Integer(
        string="Warm From Score",
        config_parameter=WARM_PARAM,
        help="Leads scoring at least this much (and less than hot) are warm. "
        "0: learnt from your data.",
    )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_enabled(self):
        enabled = self.env["pyme.ai.lead.scoring"]._ai_is_enabled()
        for settings in self:
            settings.pyme_ai_crm_enabled = enabled

    def _inverse_pyme_ai_crm_enabled(self):
        for settings in self:
            self.env["pyme.ai.lead.scoring"]._ai_set_enabled(
                settings.pyme_ai_crm_enabled
            )

    def action_pyme_ai_crm_train_now(self):
        return self.env["pyme.ai.lead.scoring"].action_ai_train_now()

    # deals at risk and best time to contact (pyme.ai.deal.risk), insights
    pyme_ai_crm_deal_risk_enabled = fields.Boolean(
        string="Deals at Risk",
        compute="_compute_pyme_ai_crm_deal_risk_enabled",
        inverse="_inverse_pyme_ai_crm_deal_risk_enabled",
        help="Learn the usual time per stage and the best time to contact, and flag "
        "open opportunities at risk.",
    )
    pyme_ai_crm_insights_enabled = fields.Boolean(
        string="Sales Insights",
        compute="_compute_pyme_ai_crm_insights_enabled",
        inverse="_inverse_pyme_ai_crm_insights_enabled",
        help="Recompute plain-language findings about the pipeline every week.",
    )
    pyme_ai_crm_forecast_enabled = fields.Boolean(
        string="Revenue Forecast",
        compute="_compute_pyme_ai_crm_forecast_enabled",
        inverse="_inverse_pyme_ai_crm_forecast_enabled",
        help="Learn how long won deals take to close and forecast this month's and "
        "next month's won revenue every day.",
    )
    pyme_ai_crm_followup_enabled = fields.Boolean(
        string="Follow-up Rules",
        compute="_compute_pyme_ai_crm_followup_enabled",
        inverse="_inverse_pyme_ai_crm_followup_enabled",
        help="Run the AI follow-up rules every hour.",
    )
    pyme_ai_crm_insight_min_sample = fields.Integer(
        string="Minimum Sample",
        config_parameter=INSIGHT_MIN_SAMPLE_PARAM,
        default=DEFAULT_MIN_SAMPLE,
        help="Findings based on fewer deals or stage periods are not shown.",
    )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_deal_risk_enabled(self):
        enabled = self.env["pyme.ai.deal.risk"]._ai_is_enabled()
        for settings in self:
            settings.pyme_ai_crm_deal_risk_enabled = enabled

    def _inverse_pyme_ai_crm_deal_risk_enabled(self):
        for settings in self:
            self.env["pyme.ai.deal.risk"]._ai_set_enabled(
                settings.pyme_ai_crm_deal_risk_enabled
            )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_forecast_enabled(self):
        enabled = self.env["pyme.ai.revenue.forecast"]._ai_is_enabled()
        for settings in self:
            settings.pyme_ai_crm_forecast_enabled = enabled

    def _inverse_pyme_ai_crm_forecast_enabled(self):
        for settings in self:
            self.env["pyme.ai.revenue.forecast"]._ai_set_enabled(
                settings.pyme_ai_crm_forecast_enabled
            )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_insights_enabled(self):
        for settings in self:
            settings.pyme_ai_crm_insights_enabled = self._pyme_ai_cron_active(
                INSIGHTS_CRON
            )

    def _inverse_pyme_ai_crm_insights_enabled(self):
        for settings in self:
            self._pyme_ai_set_cron_active(
                INSIGHTS_CRON, settings.pyme_ai_crm_insights_enabled
            )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_followup_enabled(self):
        for settings in self:
            settings.pyme_ai_crm_followup_enabled = self._pyme_ai_cron_active(
                FOLLOWUP_CRON
            )

    def _inverse_pyme_ai_crm_followup_enabled(self):
        for settings in self:
            self._pyme_ai_set_cron_active(
                FOLLOWUP_CRON, settings.pyme_ai_crm_followup_enabled
            )

    # sales KPIs and stage funnel (pyme.ai.crm.kpi), recomputed by a daily cron
    pyme_ai_crm_kpi_enabled = fields.Boolean(
        string="Sales KPIs",
        compute="_compute_pyme_ai_crm_kpi_enabled",
        inverse="_inverse_pyme_ai_crm_kpi_enabled",
        help="Recompute response time, conversion by stage, sales cycle, win rate "
        "and the share of scored leads acted on every day.",
    )

    @api.depends("company_id")
    def _compute_pyme_ai_crm_kpi_enabled(self):
        for settings in self:
            settings.pyme_ai_crm_kpi_enabled = self._pyme_ai_cron_active(
                "pyme_ai_crm.ir_cron_compute_sales_kpis"
            )

    def _inverse_pyme_ai_crm_kpi_enabled(self):
        for settings in self:
            self._pyme_ai_set_cron_active(
                "pyme_ai_crm.ir_cron_compute_sales_kpis",
                settings.pyme_ai_crm_kpi_enabled,
            )
