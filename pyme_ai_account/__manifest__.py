# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Unusual Bills and Payments",
    "summary": "Flag duplicate vendor bills, changed bank accounts and unusual amounts "
    "before paying",
    "version": "18.0.2.0.0",
    "category": "Accounting/Accounting",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_account_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/account_move_views.xml",
        "views/account_payment_views.xml",
        "views/pyme_ai_payment_feedback_views.xml",
        "views/res_config_settings_views.xml",
        "views/pyme_ai_account_menus.xml",
    ],
}
