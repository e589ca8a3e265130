# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Lead Scoring with Website Visits",
    "summary": "Website visits in lead scores, and follow-ups of pricing page visits",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_crm", "website_crm"],
    "data": ["data/pyme_ai_followup_data.xml"],
    "auto_install": True,
}
