# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Base",
    "summary": "AI model registry, runs, capability switches, settings and groups",
    "version": "18.0.2.0.0",
    "category": "Productivity",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["base", "mail"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "security/pyme_ai_base_groups.xml",
        "security/ir.model.access.csv",
        "security/pyme_ai_base_security.xml",
        "views/pyme_ai_model_views.xml",
        "views/pyme_ai_run_views.xml",
        "views/pyme_ai_capability_state_views.xml",
        "views/res_config_settings_views.xml",
        "views/pyme_ai_base_menus.xml",
        "data/ir_cron_data.xml",
        "data/mail_message_subtype_data.xml",
    ],
}
