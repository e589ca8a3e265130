# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Website Chat",
    "summary": "Website chat that answers visitors from your own knowledge, hands off to a person and captures leads",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["website", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [],
}
