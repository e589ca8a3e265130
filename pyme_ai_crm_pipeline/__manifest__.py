# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Pipeline Analytics",
    "summary": "Deals at risk, best time to contact, revenue forecast, sales insights, "
    "KPIs and conversion by stage for CRM opportunities",
    "version": "18.0.2.1.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_crm"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_crm_pipeline_security.xml",
        "data/ir_cron_data.xml",
        "views/crm_lead_views.xml",
        "views/pyme_ai_revenue_forecast_views.xml",
        "views/pyme_ai_insight_views.xml",
        "views/pyme_ai_crm_kpi_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
