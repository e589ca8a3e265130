# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Customer Segments from Sales",
    "summary": "RFM customer segments (loyal, at risk, new...) from sale orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_crm", "sale"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "data/ir_cron_data.xml",
    ],
    "auto_install": True,
}
