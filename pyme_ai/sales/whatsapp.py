"""WhatsApp click-to-chat links with numbers normalised to E.164 by phonenumbers.

``whatsapp_link("612 345 678", country="ES", message="Hola")`` gives
``https://wa.me/34612345678?text=Hola``. ``country`` is the ISO 3166 code of the
lead/partner/company and is only used when the number has no ``+`` (or ``00``)
international prefix. Invalid numbers raise :class:`InvalidPhoneError` whose ``reason``
is a stable code (for translation) and whose message says why.

Mexico: since 2019 mobiles no longer take the ``1`` after ``+52`` (nor the ``044`` /
``045`` prefixes); numbers still written that way are accepted and the prefix dropped
when the remaining ten digits form a valid Mexican number.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from pyme_ai.base import PymeAiError

WA_URL = "https://wa.me/"

# reason codes of InvalidPhoneError
REASONS = {
    "empty": "no phone number given",
    "not_a_number": "not a phone number",
    "missing_country": "no country code (+..) and no country given",
    "invalid_country_code": "unknown country calling code",
    "too_short": "too short",
    "too_long": "too long",
    "invalid_length": "wrong number of digits",
    "invalid_for_country": "not a valid number for country {country}",
}
_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "invalid_country_code",
    ValidationResult.TOO_SHORT: "too_short",
    ValidationResult.TOO_LONG: "too_long",
    ValidationResult.INVALID_LENGTH: "invalid_length",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "too_short",
}
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid_country_code",
    NumberParseException.NOT_A_NUMBER: "not_a_number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}
_MX_LEGACY = re.compile(r"^(?:1|44|45)(\d{10})$")


class InvalidPhoneError(PymeAiError):
    """A phone number that cannot be turned into a WhatsApp link.

    ``reason`` is one of :data:`REASONS`' keys, ``number`` the input and ``country``
    the country the number was checked against (ISO code or None).
    """

    def __init__(self, reason, number, country=None):
        self.reason = reason
        self.number = number
        self.country = country
        why = REASONS[reason].format(country=country or "?")
        super().__init__(f"{number!r}: {why}")


def _mx_legacy(number):
    """Drop Mexico's obsolete mobile prefixes (1 after +52, 044/045)."""
    if number.country_code != 52:
        return number
    match = _MX_LEGACY.match(str(number.national_number))
    if not match:
        return number
    fixed = phonenumbers.PhoneNumber(
        country_code=52, national_number=int(match.group(1))
    )
    return fixed if phonenumbers.is_valid_number(fixed) else number


def normalize_phone(phone, *, country=None):
    """E.164 form (``+34612345678``) of ``phone``; raises :class:`InvalidPhoneError`."""
    text = "" if phone is None else str(phone).strip()
    if not text:
        raise InvalidPhoneError("empty", phone, country)
    region = country.upper() if country else None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE and not region:
            reason = "missing_country" if not text.startswith("+") else None
            raise InvalidPhoneError(reason or "invalid_country_code", phone) from exc
        reason = _PARSE_REASONS.get(exc.error_type, "not_a_number")
        raise InvalidPhoneError(reason, phone, region) from exc
    number = _mx_legacy(number)
    checked = phonenumbers.region_code_for_country_code(number.country_code)
    if checked == "ZZ":
        raise InvalidPhoneError("invalid_country_code", phone, region)
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE:
        raise InvalidPhoneError(_POSSIBLE_REASONS[possible], phone, checked)
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError("invalid_for_country", phone, checked)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_link(phone, *, country=None, message=""):
    """``https://wa.me/<digits>[?text=<url-encoded message>]`` for ``phone``.

    The query is omitted when ``message`` is empty. Raises :class:`InvalidPhoneError`
    (a ``PymeAiError``, hence a ValueError) when the number is not valid.
    """
    digits = normalize_phone(phone, country=country)[1:]
    url = WA_URL + digits
    if message:
        url += "?text=" + quote(str(message), safe="")
    return url
