# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from odoo.addons.pyme_ai_base.tools import ai_model_field

from .crm_lead import TIERS


class PymeAiLeadScore(models.Model):
    """A row each time a lead's score moves, written in bulk by the scoring. The
    table (made by ``init``, as Odoo's ``res.users.apikeys``) has no foreign keys:
    PostgreSQL checks them row by row, which cost a full rescoring more than the
    lead update. Their ON DELETE is done by the autovacuum (no extra query in Odoo's
    lead paths)."""

    _name = "pyme.ai.lead.score"
    _description = "AI Lead Score History"
    _order = "date desc, id desc"
    _auto = False
    _log_access = False

    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", readonly=True
    )
    # not stored: a lead changing company writes no history row
    company_id = fields.Many2one(related="lead_id.company_id")
    date = fields.Datetime(required=True, readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    probability = fields.Float(readonly=True, aggregator="avg")
    tier = fields.Selection(TIERS, readonly=True)
    model_id = ai_model_field(groups="pyme_ai_base.pyme_ai_base_group_user")

    def init(self):
        table = SQL.identifier(self._table)
        self.env.cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s (id SERIAL PRIMARY KEY, lead_id INT "
                "NOT NULL, date TIMESTAMP NOT NULL, score INT, probability FLOAT8, "
                "tier VARCHAR, model_id INT); "
                # keys before 18.0.2.0.2, numeric before 18.0.2.0.3 (no-op since)
                "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s, "
                "DROP CONSTRAINT IF EXISTS %s, ALTER COLUMN probability TYPE FLOAT8",
                table,
                table,
                SQL.identifier(f"{self._table}_lead_id_fkey"),
                SQL.identifier(f"{self._table}_model_id_fkey"),
            )
        )
        create_index(
            self.env.cr, f"{self._table}__lead_id_index", self._table, ["lead_id"]
        )

    @api.autovacuum
    def _gc_orphan_rows(self):
        """What the missing foreign keys did on delete: rows of deleted leads go
        (read by nobody meanwhile: the record rules reach a row through its lead),
        deleted models are unset."""
        self.env.cr.execute(
            "DELETE FROM pyme_ai_lead_score h WHERE NOT EXISTS "
            "(SELECT 1 FROM crm_lead l WHERE l.id = h.lead_id); "
            "UPDATE pyme_ai_lead_score h SET model_id = NULL WHERE model_id > 0 "
            "AND NOT EXISTS (SELECT 1 FROM pyme_ai_model m WHERE m.id = h.model_id)"
        )
        self.invalidate_model()
