"""WhatsApp click-to-chat links (pyme_ai.sales.whatsapp)."""

import pytest

from pyme_ai.sales import InvalidPhoneError, normalize_phone, whatsapp_link


@pytest.mark.parametrize(
    ("phone", "country", "digits"),
    [
        ("612 345 678", "ES", "34612345678"),  # Spanish mobile
        ("91 123 45 67", "es", "34911234567"),  # Madrid landline, lower-case ISO
        ("+34 612-345-678", "MX", "34612345678"),  # + prefix wins over country
        ("0034 612 345 678", None, "34612345678"),  # 00 international prefix
        ("+52 1 55 1234 5678", None, "525512345678"),  # legacy MX mobile "1"
        ("044 55 1234 5678", "MX", "525512345678"),  # legacy MX 044 prefix
        ("55 1234 5678", "MX", "525512345678"),
        ("(55) 1234-5678", "MX", "525512345678"),
        ("321 1234567", "CO", "573211234567"),  # Colombian mobile
        ("+57 321 123 4567", "ES", "573211234567"),
    ],
)
def test_valid_numbers_normalised(phone, country, digits):
    assert whatsapp_link(phone, country=country) == "https://wa.me/" + digits
    assert normalize_phone(phone, country=country) == "+" + digits


def test_message_is_url_encoded():
    url = whatsapp_link("612345678", country="ES", message="Hola, ¿qué tal? 100% & más")
    assert url == (
        "https://wa.me/34612345678?text="
        "Hola%2C%20%C2%BFqu%C3%A9%20tal%3F%20100%25%20%26%20m%C3%A1s"
    )


@pytest.mark.parametrize(
    ("phone", "country", "reason", "text"),
    [
        ("", "ES", "empty", "no phone number"),
        (None, "ES", "empty", "no phone number"),
        ("hola", "ES", "not_a_number", "not a phone number"),
        ("612345678", None, "missing_country", "no country"),
        ("+999 1234 5678", None, "invalid_country_code", "unknown country"),
        ("123", "ES", "too_short", "too short"),
        ("55 1234 567", "MX", "too_short", "too short"),
        ("555 123 4567", "ES", "too_long", "too long"),
        ("012 345 678", "ES", "invalid_for_country", "for country ES"),
        ("221 1234567", "CO", "invalid_for_country", "for country CO"),
    ],
)
def test_invalid_numbers_say_why(phone, country, reason, text):
    with pytest.raises(InvalidPhoneError) as info:
        whatsapp_link(phone, country=country, message="x")
    assert info.value.reason == reason
    assert text in str(info.value)
    assert isinstance(info.value, ValueError)


def test_mx_legacy_prefix_kept_when_not_a_valid_mobile():
    # "1" + ten digits that do not form a valid Mexican number is not stripped
    with pytest.raises(InvalidPhoneError):
        whatsapp_link("+52 1 00 1234 5678")
