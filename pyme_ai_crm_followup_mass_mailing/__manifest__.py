# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Follow-up of Opened Emails",
    "summary": "Follow up leads who opened a mailing email but did not answer",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_crm_followup", "mass_mailing_crm"],
    "data": [
        "views/mailing_mailing_views.xml",
        "data/pyme_ai_followup_rule_data.xml",
    ],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
