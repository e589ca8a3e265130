# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run every AI job for one company, in the order the crons would reach it."""

import logging
import time

_logger = logging.getLogger(__name__)

#: Capabilities in dependency order: scores first (deal risk and the revenue
#: forecast read them).
CAPABILITIES = (
    "pyme.ai.lead.scoring",
    "pyme.ai.deal.risk",
    "pyme.ai.revenue.forecast",
    "pyme.ai.demand.forecasting",
    "pyme.ai.chat.assistant",
)
MAX_BATCHES = 100


def train_and_apply(env, model_name, company):
    """Train ``model_name`` for ``company`` and apply its active model.

    Returns (run, active model or an empty recordset).
    """
    capability = env[model_name].with_company(company)
    run = capability._ai_train()
    ai_model = env["pyme.ai.model"].sudo()._get_active(capability._ai_kind, company)
    if ai_model and capability._ai_apply_mode == "batch":
        for _batch in range(MAX_BATCHES):
            count, left = capability._ai_apply_pending(ai_model)
            if not count or not left:
                break
    elif ai_model and capability._ai_apply_mode == "company":
        capability._ai_apply_batch(company, ai_model._read_engine_model(), ai_model)
    return run, ai_model


def run_ai_jobs(env, company):
    """Every capability, then insights, KPIs and customer segments, for ``company``.

    Returns {job: seconds}."""
    timings = {}
    for name in CAPABILITIES:
        if name not in env:
            continue
        started = time.monotonic()
        run, ai_model = train_and_apply(env, name, company)
        timings[name] = round(time.monotonic() - started, 1)
        _logger.info(
            "%s for %s: run %s, model %s",
            name,
            company.name,
            run.state,
            ai_model.display_name,
        )
    for name in ("pyme.ai.insight", "pyme.ai.crm.kpi"):
        if name in env:
            started = time.monotonic()
            env[name].sudo().with_company(company)._compute_for_company()
            timings[name] = round(time.monotonic() - started, 1)
    if "ai_rfm_date" in env["res.company"]._fields:
        started = time.monotonic()
        env["res.partner"].with_company(company)._ai_rfm_compute(
            company, env.cr.now().date()
        )
        company.sudo().ai_rfm_date = env.cr.now().date()
        timings["rfm"] = round(time.monotonic() - started, 1)
    return timings
