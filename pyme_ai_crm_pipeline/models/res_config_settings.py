# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .pyme_ai_insight import DEFAULT_MIN_SAMPLE, MIN_SAMPLE_PARAM

INSIGHTS_CRON = "pyme_ai_crm_pipeline.ir_cron_compute_insights"
KPI_CRON = "pyme_ai_crm_pipeline.ir_cron_compute_sales_kpis"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_crm_pipeline_insights_enabled = fields.Boolean(
        string="Sales Insights",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Recompute plain-language findings about the pipeline every week.",
    )
    pyme_ai_crm_pipeline_insight_min_sample = fields.Integer(
        string="Minimum Sample",
        config_parameter=MIN_SAMPLE_PARAM,
        default=DEFAULT_MIN_SAMPLE,
        help="Findings based on fewer deals or stage periods are not shown.",
    )
    pyme_ai_crm_pipeline_kpi_enabled = fields.Boolean(
        string="Sales KPIs",
        compute="_compute_pyme_ai_switches",
        inverse="_inverse_pyme_ai_switches",
        help="Recompute response time, conversion by stage, sales cycle, win rate "
        "and the share of scored leads acted on every day.",
    )

    def _pyme_ai_switches(self):
        return dict(
            super()._pyme_ai_switches(),
            pyme_ai_crm_pipeline_insights_enabled=INSIGHTS_CRON,
            pyme_ai_crm_pipeline_kpi_enabled=KPI_CRON,
        )
