# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Website Chat",
    "summary": "Website chat answering visitors from your own knowledge, with handoff",
    "version": "18.0.2.0.0",
    "category": "Website/Website",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["website", "resource", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai", "tokenizers", "wordllama"]},
    "data": [
        "security/pyme_ai_chat_security.xml",
        "security/ir.model.access.csv",
        "views/pyme_ai_chat_faq_views.xml",
        "views/pyme_ai_chat_conversation_views.xml",
        "views/pyme_ai_chat_message_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/pyme_ai_chat_faq_assign_views.xml",
        "views/pyme_ai_chat_menus.xml",
        "data/ir_cron_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/pyme_ai_chat_faq_data.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "pyme_ai_chat/static/src/chat_widget/*",
        ],
    },
}
