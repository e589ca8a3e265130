# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """The reasons are computed when read: drop their column (it kept every scored
    lead about 500 bytes larger, so no scoring update fit in place). The score
    history keeps no log columns and reads its company through the lead."""
    cr.execute("ALTER TABLE crm_lead DROP COLUMN IF EXISTS ai_reasons")
    cr.execute(
        "ALTER TABLE pyme_ai_lead_score DROP COLUMN IF EXISTS company_id, "
        "DROP COLUMN IF EXISTS create_uid, DROP COLUMN IF EXISTS write_uid, "
        "DROP COLUMN IF EXISTS create_date, DROP COLUMN IF EXISTS write_date"
    )
