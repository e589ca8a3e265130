# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """The history's probability becomes double precision, as the lead's (Odoo
    converts that one): no numeric cast on every scoring write."""
    cr.execute("ALTER TABLE pyme_ai_lead_score ALTER COLUMN probability TYPE float8")
