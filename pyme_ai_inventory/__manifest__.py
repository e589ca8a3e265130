# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Demand Forecasts",
    "summary": "Demand forecasts, stock-out dates and reorder suggestions on products",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["stock", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [],
}
