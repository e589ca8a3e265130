# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "AI for SMEs: Job Queue",
    "summary": "Run AI trainings, rescorings and forecasts as queue jobs per company "
    "and batch (OCA queue_job)",
    "version": "18.0.2.0.0",
    "category": "Hidden",
    "author": "pyme_ai contributors",
    "website": "https://github.com/pyme-ai/pyme_ai",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["pyme_ai_base", "queue_job"],
    "data": ["data/queue_job_channel_data.xml"],
    "auto_install": True,
}
