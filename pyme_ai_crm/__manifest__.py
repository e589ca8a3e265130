# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Lead Scoring",
    "summary": "Learnt 1-100 lead scores with reasons, tiers, trend and history",
    "version": "18.0.2.0.3",
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
        "views/pyme_ai_lead_verdict_views.xml",
        "data/ir_cron_data.xml",
    ],
}
