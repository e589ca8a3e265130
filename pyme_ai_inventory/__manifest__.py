# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Demand Forecasts",
    "summary": "Demand forecasts, stock-out dates and reorder suggestions on products",
    "version": "18.0.2.0.0",
    "category": "Inventory/Inventory",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["stock", "pyme_ai_base"],
    "external_dependencies": {"python": ["pyme-ai"]},
    "data": [
        "security/ir.model.access.csv",
        "security/pyme_ai_inventory_security.xml",
        "views/product_product_views.xml",
        "views/pyme_ai_product_forecast_views.xml",
        "views/stock_warehouse_orderpoint_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/stock_warehouse_orderpoint_ai_apply_views.xml",
        "views/pyme_ai_inventory_menus.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/ir_cron_data.xml",
    ],
}
