# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: WhatsApp Click-to-Chat on Leads",
    "summary": "WhatsApp button on CRM leads and opportunities",
    "version": "18.0.2.0.0",
    "category": "Sales/CRM",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_whatsapp", "crm"],
    "data": ["views/crm_lead_views.xml"],
    "auto_install": True,
}
