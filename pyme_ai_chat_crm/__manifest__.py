# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Website Chat Leads",
    "summary": "Website chat contact requests become CRM leads with the transcript",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_chat", "crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_chat_crm_security.xml",
        "views/pyme_ai_chat_conversation_views.xml",
        "data/mail_message_subtype_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "pyme_ai_chat_crm/static/tests/tours/*",
        ],
    },
    "auto_install": True,
}
