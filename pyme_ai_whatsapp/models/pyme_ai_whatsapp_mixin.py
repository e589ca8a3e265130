# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from pyme_ai.sales import InvalidPhoneError, whatsapp_link

_lt = LazyTranslate(__name__)

# InvalidPhoneError.reason -> words for the user
REASONS = {
    "empty": _lt("there is no phone number"),
    "not_a_number": _lt("it is not a phone number"),
    "missing_country": _lt(
        "it has no international prefix (+..) and no country is known"
    ),
    "invalid_country_code": _lt("its country calling code does not exist"),
    "too_short": _lt("it is too short"),
    "too_long": _lt("it is too long"),
    "invalid_length": _lt("it has the wrong number of digits"),
    "invalid_for_country": _lt("it is not a valid number for %(country)s"),
}


class PymeAiWhatsappMixin(models.AbstractModel):
    """A "WhatsApp" button opening a chat with the record's number in E.164."""

    _name = "pyme.ai.whatsapp.mixin"
    _description = "WhatsApp Click-to-Chat"

    def _ai_whatsapp_target(self):
        """(number, ISO country code or None, name, language code) of the record."""
        raise NotImplementedError

    def _ai_whatsapp_message(self, name, lang):
        env = self.with_context(lang=lang).env if lang else self.env
        return env._(
            "Hello %(name)s, this is %(user)s from %(company)s.",
            name=name or "",
            user=self.env.user.name,
            company=self.env.company.name,
        )

    def _ai_whatsapp_url(self):
        self.ensure_one()
        number, country, name, lang = self._ai_whatsapp_target()
        try:
            return whatsapp_link(
                number or None,
                country=country,
                message=self._ai_whatsapp_message(name, lang),
            )
        except InvalidPhoneError as exc:
            reason = REASONS.get(exc.reason)
            reason = self.env._(reason) if reason else exc.reason
            if "%(country)s" in reason:
                country = exc.country and self.env["res.country"].search(
                    [("code", "=", exc.country)], limit=1
                )
                reason = reason % {"country": country.name if country else "?"}
            raise UserError(
                self.env._(
                    "WhatsApp cannot be opened for %(number)s: %(reason)s.",
                    number=number or "—",
                    reason=reason,
                )
            ) from exc

    def action_ai_whatsapp(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._ai_whatsapp_url(),
            "target": "new",
        }
