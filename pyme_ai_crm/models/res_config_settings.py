# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .pyme_ai_insight import DEFAULT_MIN_SAMPLE
from .pyme_ai_insight import MIN_SAMPLE_PARAM as INSIGHT_MIN_SAMPLE_PARAM
from .pyme_ai_lead_scoring import HOT_PARAM, WARM_PARAM

INSIGHTS_CRON = "pyme_ai_crm.ir_cron_compute_insights"
FOLLOWUP_CRON = "pyme_ai_crm.ir_cron_followup_rules"
KPI_CRON = "pyme_ai_crm.ir_cron_compute_sales_kpis"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_enabled = fields.Boolean(
        string="Score Leads",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
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

    pyme_ai_crm_deal_risk_enabled = fields.Boolean(
        string="Deals at Risk",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Learn the usual time per stage and the best time to contact, and flag "
        "open opportunities at risk.",
    )
    pyme_ai_crm_insights_enabled = fields.Boolean(
        string="Sales Insights",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Recompute plain-language findings about the pipeline every week.",
    )
    pyme_ai_crm_forecast_enabled = fields.Boolean(
        string="Revenue Forecast",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Learn how long won deals take to close and forecast this month's and "
        "next month's won revenue every day.",
    )
    pyme_ai_crm_followup_enabled = fields.Boolean(
        string="Follow-up Rules",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Run the AI follow-up rules every hour.",
    )
    pyme_ai_crm_insight_min_sample = fields.Integer(
        string="Minimum Sample",
        config_parameter=INSIGHT_MIN_SAMPLE_PARAM,
        default=DEFAULT_MIN_SAMPLE,
        help="Findings based on fewer deals or stage periods are not shown.",
    )

    pyme_ai_crm_kpi_enabled = fields.Boolean(
        string="Sales KPIs",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Recompute response time, conversion by stage, sales cycle, win rate "
        "and the share of scored leads acted on every day.",
    )

    def _pyme_ai_switches(self):
        return dict(
            super()._pyme_ai_switches(),
            pyme_ai_crm_enabled="pyme.ai.lead.scoring",
            pyme_ai_crm_deal_risk_enabled="pyme.ai.deal.risk",
            pyme_ai_crm_forecast_enabled="pyme.ai.revenue.forecast",
            pyme_ai_crm_insights_enabled=INSIGHTS_CRON,
            pyme_ai_crm_followup_enabled=FOLLOWUP_CRON,
            pyme_ai_crm_kpi_enabled=KPI_CRON,
        )

    def action_pyme_ai_crm_train_now(self):
        return self.env["pyme.ai.lead.scoring"].action_ai_train_now()
