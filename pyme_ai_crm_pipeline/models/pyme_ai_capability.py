# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Report menus that say what is missing where the report would be empty."""

import re

from markupsafe import Markup

from odoo import api, models

#: The empty screen's title paragraph of an action's static help
_TITLE = re.compile(r'^\s*<p class="o_view_nocontent[^"]*">.*?</p>', re.S)


class PymeAiCapability(models.AbstractModel):
    _inherit = "pyme.ai.capability"

    @api.model
    def _ai_report_action(self, xmlid, notice=None):
        """The window action ``xmlid``; while this capability has nothing to show
        for the current company (or given a ``notice``), its empty screen opens
        with what is missing instead of the static title ("No deal is at risk")."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        notice = self._ai_notice() if notice is None else notice
        if notice:
            rest = _TITLE.sub("", action.get("help") or "", count=1)
            title = Markup('<p class="o_view_nocontent_empty_folder">%s</p>') % notice
            action["help"] = title + Markup(rest)
        return action
