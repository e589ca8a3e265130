# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Website Chat",
    "summary": "Website chat answering visitors from your own knowledge, with handoff",
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
