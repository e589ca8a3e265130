# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Follow-up Rules",
    "summary": "Follow idle and waiting hot leads up once per event with an activity "
    "or an email",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_crm_followup_security.xml",
        "views/pyme_ai_followup_rule_views.xml",
        "views/res_config_settings_views.xml",
        "views/pyme_ai_crm_followup_menus.xml",
        "data/ir_cron_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/pyme_ai_followup_rule_data.xml",
    ],
}
