# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Customer Segments from Sales",
    "summary": "RFM customer segments (champions, loyal, at risk, lost...) from "
    "confirmed sale orders",
    "version": "18.0.2.0.0",
    "category": "Sales/Sales",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["sale", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "data/ir_cron_data.xml",
    ],
}
