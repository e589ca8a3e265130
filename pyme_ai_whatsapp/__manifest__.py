# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: WhatsApp Click-to-Chat",
    "summary": "WhatsApp button on contacts: a chat with the number in international "
    "form and a greeting in the contact's language",
    "version": "18.0.2.0.0",
    "category": "Productivity/Discuss",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["mail"],
    "external_dependencies": {"python": ["pyme-ai", "phonenumbers"]},
    "data": ["views/res_partner_views.xml"],
}
