"""Email and phone columns turned into features (found by content or named by roles).

An email column becomes ``<col>_free`` (free-mail domain such as gmail) and
``<col>_valid``; a phone column becomes ``<col>_valid`` and ``<col>_region`` (country
by phonenumbers). The raw columns are dropped: they identify people, not patterns.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from ..tabular import is_missing, map_distinct

FREE_EMAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.es hotmail.co.uk hotmail.fr outlook.com
    outlook.es live.com live.com.mx live.com.ar msn.com yahoo.com yahoo.es yahoo.com.mx
    yahoo.com.ar yahoo.fr yahoo.co.uk ymail.com icloud.com me.com mac.com aol.com
    protonmail.com proton.me gmx.com gmx.es gmx.net gmx.de web.de yandex.com yandex.ru
    mail.ru mail.com zoho.com tutanota.com terra.com terra.es terra.com.br
    telefonica.net movistar.es orange.es wanadoo.es uol.com.br bol.com.br qq.com 163.com
    """.split()
)
EMAIL_RE = re.compile(r"^[^@\s]+@([^@\s]+\.[a-z]{2,})$", re.IGNORECASE)
# its two parts (``email_domain``)
LOCAL_RE = re.compile(r"[^@\s]+")
DOMAIN_RE = re.compile(r"[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[\d\s().-]{6,}$")
FLOAT_RE = re.compile(r"^-?\d+\.\d+$")
# an international number: "+" or "00", then the digits of its calling code
CALLING_CODE_RE = re.compile(r"\s*(?:\+|00)\D?(\d)\D?(\d)?\D?(\d)?")
DEFAULT_REGION = "ES"
SAMPLE = 2000


def email_domain(value):
    """The lower-cased domain of a valid address (what ``EMAIL_RE`` matches), or
    None; each domain is checked once (most addresses of a table share a few)."""
    return None if is_missing(value) else _email_domain(value)


def _email_domain(value):
    local, at, domain = str(value).strip().rpartition("@")
    return _domain(domain) if at and LOCAL_RE.fullmatch(local) else None


@functools.lru_cache(maxsize=4096)
def _domain(domain):
    return domain.lower() if DOMAIN_RE.fullmatch(domain) else None


def email_features(value):
    """(is free-mail, is valid) as 1.0/0.0, or (None, None) when missing."""
    if is_missing(value):
        return None, None
    domain = _email_domain(value)
    if domain is None:
        return 0.0, 0.0
    return float(domain in FREE_EMAIL_DOMAINS), 1.0


def phone_features(value, region=DEFAULT_REGION):
    """(is valid, region code) of a phone number, or (None, None) when missing."""
    if is_missing(value):
        return None, None
    try:
        number = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        return 0.0, None
    if not phonenumbers.is_valid_number(number):
        return 0.0, None
    return 1.0, phonenumbers.region_code_for_number(number)


def calling_region(number):
    """Region (ISO code) of an international number from its calling code; None
    for a national or missing number (whether it is valid is not checked)."""
    match = CALLING_CODE_RE.match(number) if number else None
    return _region_of_code(match.groups()) if match else None


@functools.lru_cache(maxsize=4096)
def _region_of_code(digits):
    code = ""
    for digit in digits:
        code += digit or ""
        regions = COUNTRY_CODE_TO_REGION_CODE.get(int(code)) if digit else None
        if regions:
            return regions[0]
    return None


def _looks_like(values, test, share):
    present = [v for v in values[: SAMPLE * 3] if not is_missing(v)][:SAMPLE]
    return bool(present) and sum(map(test, present)) >= share * len(present)


def _is_email(value):
    return isinstance(value, str) and EMAIL_RE.match(value.strip()) is not None


def _is_phone(value):
    if not isinstance(value, str):
        return False
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    return bool(PHONE_RE.match(text)) and digits >= 7 and not FLOAT_RE.match(text)


def detect_roles(table):
    """Column names holding emails and phones, judged by their values."""
    emails, phones = [], []
    for name, values in table.items():
        values = list(values)
        if _looks_like(values, _is_email, 0.5):
            emails.append(name)
        elif _looks_like(values, _is_phone, 0.6):
            phones.append(name)
    return {"email": emails, "phone": phones}


def resolve_roles(table, roles=None):
    """``roles`` with missing entries detected; values are lists of column names."""
    roles = dict(roles or {})
    detected = None
    resolved = {"region": roles.get("region", DEFAULT_REGION)}
    for role in ("email", "phone"):
        if role in roles:
            value = roles[role]
            resolved[role] = [value] if isinstance(value, str) else list(value or [])
        else:
            detected = detected or detect_roles(table)
            resolved[role] = detected[role]
    return resolved


def derive_contact_columns(table, roles):
    """A copy of ``table`` with email/phone columns replaced by their features."""
    out = dict(table)
    for name in roles.get("email", []):
        if name not in out:
            continue
        pairs = map_distinct(email_features, out.pop(name))
        out[f"{name}_free"] = [p[0] for p in pairs]
        out[f"{name}_valid"] = [p[1] for p in pairs]
    region = roles.get("region", DEFAULT_REGION)
    for name in roles.get("phone", []):
        if name not in out:
            continue
        pairs = map_distinct(lambda v: phone_features(v, region), out.pop(name))
        out[f"{name}_valid"] = [p[0] for p in pairs]
        out[f"{name}_region"] = [p[1] for p in pairs]
    return out
