# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Lead Scoring",
    "summary": "Learnt 1-100 lead scores with reasons, tiers and history on CRM leads",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["crm", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_crm_security.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "data/ir_cron_data.xml",
        "data/pyme_ai_pipeline_data.xml",
        "views/crm_lead_pipeline_views.xml",
        "views/res_partner_views.xml",
        "views/pyme_ai_insight_views.xml",
        "views/pyme_ai_revenue_forecast_views.xml",
        "views/pyme_ai_followup_rule_views.xml",
        "views/res_config_settings_pipeline_views.xml",
        "data/pyme_ai_followup_data.xml",
    ],
}
