# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Follow-up of Pricing Page Visits",
    "summary": "Call leads whose website visitors viewed a pricing page",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    # pyme_ai_crm_website (website_crm glue) declares which pages are pricing pages
    "depends": ["pyme_ai_crm_followup", "pyme_ai_crm_website"],
    "data": ["data/pyme_ai_followup_rule_data.xml"],
    "auto_install": True,
}
