# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Demo Company",
    "summary": "Creates Muebles Ejemplo S.L., two years of a Spanish office-furniture "
    "SME, so that every AI screen has real content",
    "version": "18.0.2.0.1",
    "category": "Hidden",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": [
        "crm",
        "sale_management",
        "stock",
        "purchase",
        "website_crm",
        "pyme_ai_crm_pipeline",
        "pyme_ai_crm_followup",
        "pyme_ai_sale",
        "pyme_ai_inventory",
        "pyme_ai_chat",
        "pyme_ai_whatsapp_crm",
    ],
    "data": ["data/shop_hours.xml"],
    "post_init_hook": "post_init_hook",
}
