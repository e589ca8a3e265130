# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL


def post_init_hook(env):
    """Mailings sent before the install belong to their responsible's company."""
    env.cr.execute(
        SQL(
            "UPDATE mailing_mailing m SET ai_company_id = u.company_id "
            "FROM res_users u WHERE u.id = m.user_id"
        )
    )
