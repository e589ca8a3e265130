# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Website Chat to Live Chat",
    "summary": "Hand website chat visitors to an online live chat operator, "
    "with the transcript",
    "version": "18.0.2.0.0",
    "category": "Website/Live Chat",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_chat", "website_livechat"],
    "data": [
        "views/pyme_ai_chat_conversation_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "pyme_ai_chat_livechat/static/src/livechat/*",
        ],
    },
    "auto_install": True,
}
