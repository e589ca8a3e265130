# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers shared by the pyme_ai addons: typed settings, notifications, errors."""

import math

from markupsafe import Markup

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang
from odoo.tools.translate import LazyGettext

from pyme_ai.base import PymeAiError

# States of pyme.ai.run
RUN_RUNNING = "running"
RUN_DONE = "done"
RUN_REJECTED = "rejected"
RUN_FAILED = "failed"
RUN_NO_DATA = "no_data"
# States of pyme.ai.model
MODEL_ACTIVE = "active"
MODEL_ARCHIVED = "archived"
MODEL_FAILED = "failed"
# Capability policies
APPLY_MODES = ("batch", "company", "none")
# target: its ideal is in its label; None: a count or share, no better or worse
DIRECTIONS = ("higher", "lower", "target", None)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _cast(value, cast):
    if cast is bool:
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"not a boolean: {value!r}")
    result = cast(str(value).strip())
    if isinstance(result, float) and not math.isfinite(result):
        raise ValueError(f"not a finite number: {value!r}")
    return result


def ai_param(env, key, default, cast=float, low=None, high=None):
    """The ``ir.config_parameter`` ``key`` as ``cast`` (float, int, bool, str...),
    clamped to [low, high]; ``default`` when unset or unreadable."""
    value = env["ir.config_parameter"].sudo().get_param(key)
    if value in (None, False, ""):
        return default
    try:
        value = _cast(value, cast)
    except (TypeError, ValueError):
        return default
    if low is not None:
        value = max(value, low)
    return value if high is None else min(value, high)


def notify(env, message, type="info", sticky=False, next_action=None):  # pylint: disable=redefined-builtin
    """A ``display_notification`` client action showing ``message``.

    ``type`` is info, success, warning or danger; ``next_action`` runs after it.
    """
    params = {"type": type, "message": str(message), "sticky": sticky}
    if next_action:
        params["next"] = next_action
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": params,
    }


def log_event(records, subtype_xmlid, changes=None, bodies=None):
    """Log an AI event on ``records`` for each reader's language: the subtype's
    description says what happened, ``changes`` ({id: {field: (old, new)}}) are
    tracking values, ``bodies`` ({id: text}) only text users typed."""
    bodies = {key: Markup("<p>%s</p>") % text for key, text in (bodies or {}).items()}
    messages = records._message_log_batch(bodies)
    messages.subtype_id = records.env.ref(subtype_xmlid)
    if changes:
        names = [name for change in changes.values() for name in change]
        info = records.fields_get(names, ["type", "selection", "currency_field"])
        Tracking = records.env["mail.tracking.value"].sudo()
        Tracking.create(
            [
                dict(
                    Tracking._create_tracking_values(old, new, name, info[name], rec),
                    mail_message_id=message.id,
                )
                for message, rec in zip(messages, records, strict=True)
                for name, (old, new) in changes.get(rec.id, {}).items()
            ]
        )
    return messages


def sql_array(values, sql_type="int"):
    """``values`` (numbers, datetimes, None) as one literal of a PostgreSQL array,
    parsed at once (a list parameter is ARRAY[...]: 10x slower for 10,000 ids)."""
    text = ",".join(map(str, values)).replace("None", "NULL")
    return SQL("%s::%s[]", f"{{{text}}}", SQL(sql_type))


def company_lang(company):
    """The language a company's staff reads what jobs write in (its own)."""
    return company.partner_id.lang or company.env.lang


def error_message(exc):
    """What a user is told about ``exc``: the message of a domain or user error,
    the ``repr`` of anything else (a bug: the type matters)."""
    if isinstance(exc, PymeAiError | UserError):
        return str(exc.args[0]) if exc.args else str(exc)
    return repr(exc)


def user_error(exc):
    """The UserError to raise for an engine error:
    ``raise user_error(exc) from exc``."""
    return UserError(error_message(exc))


class AiNotice(UserError):
    """Too little data to train for a company: a notice shown where users look,
    not a failure. ``code`` is a key of the capability's ``_ai_notices``; the run
    stores it with ``params`` and renders them in each reader's language."""

    def __init__(self, capability, code, **params):
        self.code, self.params = code, params
        super().__init__(capability._ai_message(code, params))


def display_value(env, value):
    """A message parameter as the reader writes it (decimal comma in Spanish)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if float(value).is_integer():
        return formatLang(env, value, digits=0)
    text = formatLang(env, value, digits=2 if abs(value) >= 1 else 3)
    point = env["res.lang"]._get_data(code=env.lang or "en_US").decimal_point
    return text.rstrip("0").rstrip(point) if point in text else text


def translate(env, label):
    """``label`` (a lazy translation or a plain string) in the language of ``env``."""
    if isinstance(label, LazyGettext):
        return env._(label)
    return str(label) if label is not None else ""


# ------------------------------------------------------------------ fields
def company_field(**kwargs):
    """The company of an AI record: required, indexed, read-only, the current
    company by default (one declaration for every AI model)."""
    options = {
        "required": True,
        "index": True,
        "readonly": True,
        "default": lambda self: self.env.company,
    }
    return fields.Many2one("res.company", **dict(options, **kwargs))


def ai_model_field(**kwargs):
    """A link to the registry model that produced a record."""
    options = {"string": "AI Model", "readonly": True, "ondelete": "set null"}
    return fields.Many2one("pyme.ai.model", **dict(options, **kwargs))
