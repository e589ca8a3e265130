"""The pilot report: one self-contained HTML page from a CRM export, before
installing anything (``pyme-ai leads pilot EXPORT.csv --target COL --out r.html``).

It holds the same holdout numbers as ``leads evaluate --json``: the verdict against
Odoo's native scoring (or naive Bayes), the cumulative-gains and calibration
charts, the strongest
drivers, what the data lacks and what to fix first. Inline SVG, no network.
"""

from __future__ import annotations

from html import escape

import numpy as np

from .chart import calibration_svg, gains_svg
from .verdict import MIN_HOLDOUT

TEXTS = {
    "en": {
        "title": "Does the AI work on your leads?",
        "better": "On {n} leads it never saw, calling the best scored {share} % first "
        "finds {found} % of the sales; with Odoo's native scoring, {ref} %.",
        "not_better": "On {n} leads it never saw, calling the best scored {share} % "
        "first finds {found} % of the sales; Odoo's native scoring finds {ref} %: "
        "the AI does not do better on this data.",
        "no_reference": "On {n} leads it never saw, calling the best scored {share} % "
        "first finds {found} % of the sales (random calls: {share} %).",
        "too_few": "Too few leads to judge: {n} were held out, at least {needed} are "
        "needed. Export more closed leads.",
        "leakage": "Probable leakage: an AUC of {auc} is too good to be true. A column "
        "most likely records the outcome; the strongest driver below is the first "
        "suspect: drop it (--drop) and run the pilot again.",
        "interval": "Ranking quality (AUC) {auc}, between {low} and {high} with 90 % "
        "confidence; {won} won and {lost} lost leads in all.",
        "drivers": "What moves the score most",
        "quality": "About the data",
        "dropped": "Column {name} is not used: {why}.",
        "kinds": {
            "empty": "it is empty",
            "constant": "it has one value",
            "id": "it looks like an identifier",
            "text": "it is free text",
        },
        "rows_dropped": "{n} rows have no known outcome and were left out.",
        "fix_first": "Fix first: {what}",
        "leakage_column": "Probable leakage: column {column} alone ranks the leads "
        "it never saw with an AUC of {column_auc}. It most likely records the "
        "outcome: drop it (--drop) and run the pilot again.",
        "fix_leak": "remove the column that gives the outcome away",
        "fix_more": "export more closed leads (won and lost)",
        "fix_none": "nothing blocking: try it in Odoo with the pyme_ai addons",
        "chart": {
            "model": "AI score",
            "reference": "Odoo native scoring",
            "random": "Random order",
            "x": "Leads called, best scored first",
            "y": "Share of the sales found",
        },
        "calibration_title": "Are its probabilities right?",
        "calibration_help": "Each dot is a group of leads: the probability the AI "
        "gave them (across) and how many of them were won (up). Near the diagonal, "
        "of the leads given 30 %, about 3 in 10 are won.",
        "calibration": {
            "model": "AI probability",
            "ideal": "Exactly right",
            "x": "Probability given by the AI",
            "y": "Share actually won",
        },
    },
    "es": {
        "title": "¿Funciona la IA con sus leads?",
        "better": "En {n} leads que no vio, llamar primero al {share} % mejor puntuado "
        "encuentra el {found} % de las ventas; con la puntuación nativa de Odoo, el "
        "{ref} %.",
        "not_better": "En {n} leads que no vio, llamar primero al {share} % mejor "
        "puntuado encuentra el {found} % de las ventas; la puntuación nativa de Odoo, "
        "el {ref} %: con estos datos la IA no lo hace mejor.",
        "no_reference": "En {n} leads que no vio, llamar primero al {share} % mejor "
        "puntuado encuentra el {found} % de las ventas (al azar: el {share} %).",
        "too_few": "Muy pocos leads para juzgar: se apartaron {n} y se necesitan al "
        "menos {needed}. Exporte más leads cerrados.",
        "leakage": "Probable fuga de datos: un AUC de {auc} es demasiado bueno para "
        "ser cierto. Lo más probable es que una columna registre el resultado; el "
        "factor más fuerte de abajo es el primer sospechoso: quítelo (--drop) y "
        "repita.",
        "interval": "Calidad del orden (AUC) {auc}, entre {low} y {high} con un 90 % "
        "de confianza; {won} leads ganados y {lost} perdidos en total.",
        "drivers": "Lo que más mueve la puntuación",
        "quality": "Sobre los datos",
        "dropped": "La columna {name} no se usa: {why}.",
        "kinds": {
            "empty": "está vacía",
            "constant": "tiene un solo valor",
            "id": "parece un identificador",
            "text": "es texto libre",
        },
        "rows_dropped": "{n} filas no tienen un resultado conocido y se han dejado "
        "fuera.",
        "fix_first": "Arreglar primero: {what}",
        "leakage_column": "Probable fuga de datos: la columna {column} ordena ella "
        "sola los leads que no vio con un AUC de {column_auc}. Lo más probable es "
        "que registre el resultado: quítela (--drop) y repita.",
        "fix_leak": "quitar la columna que delata el resultado",
        "fix_more": "exportar más leads cerrados (ganados y perdidos)",
        "fix_none": "nada bloquea: pruébelo en Odoo con los módulos pyme_ai",
        "chart": {
            "model": "Puntuación IA",
            "reference": "Puntuación nativa de Odoo",
            "random": "Orden aleatorio",
            "x": "Leads llamados, primero los mejor puntuados",
            "y": "Parte de las ventas encontradas",
        },
        "calibration_title": "¿Acierta sus probabilidades?",
        "calibration_help": "Cada punto es un grupo de leads: la probabilidad que "
        "les dio la IA (en horizontal) y cuántos se ganaron (en vertical). Cerca de "
        "la diagonal, de los leads con un 30 %, unos 3 de cada 10 se ganan.",
        "calibration": {
            "model": "Probabilidad IA",
            "ideal": "Acierto exacto",
            "x": "Probabilidad que da la IA",
            "y": "Parte ganada de verdad",
        },
    },
}


def _number(value, lang, digits=2):
    text = f"{value:,.{digits}f}"
    if lang == "es":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def drivers(model, table, top=5, sample=2000):
    """``[(column, mean |contribution|)]`` of the strongest columns over ``table``."""
    rows = min(len(next(iter(table.values()), [])), sample)
    part = {name: values[:rows] for name, values in table.items()}
    contrib, __, __ = model.contributions(part)
    strength = np.abs(np.asarray(contrib)).mean(axis=0)
    names = list(model.columns)
    order = np.argsort(-strength)[:top]
    return [(names[i], round(float(strength[i]), 3)) for i in order if strength[i] > 0]


def pilot_html(result, table, lang="en"):
    """The pilot page for ``result`` (``leads.evaluate`` on ``table``)."""
    t = TEXTS[lang]
    summary = result.report["holdout"]
    verdict = summary["verdict"]
    code = verdict["code"]
    values = {
        "n": _number(verdict.get("n") or 0, lang, 0),
        "share": verdict.get("share"),
        "found": verdict.get("found"),
        "ref": verdict.get("reference_found"),
        "needed": verdict.get("needed", MIN_HOLDOUT),
        "auc": _number(verdict.get("auc", result.metrics["auc"]), lang, 3),
    }
    parts = [f"<h1>{escape(t['title'])}</h1>"]
    if code == "leakage" and "column" in verdict:
        code = "leakage_column"
        values.update(
            column=verdict["column"],
            column_auc=_number(verdict["column_auc"], lang, 3),
        )
    sentence = t[code].format(**values).replace(" %", "\u00a0%")
    parts.append(f"<p class='verdict'>{escape(sentence)}</p>")
    interval = (summary.get("intervals") or {}).get("auc")
    if interval:
        line = t["interval"].format(
            auc=_number(result.metrics["auc"], lang, 3),
            low=_number(interval[0], lang, 3),
            high=_number(interval[1], lang, 3),
            won=_number(result.report["won"], lang, 0),
            lost=_number(result.report["lost"], lang, 0),
        )
        parts.append(f"<p>{escape(line)}</p>")
    if code != "too_few":
        parts.append(gains_svg(summary, t["chart"]))
        parts.append(f"<h2>{escape(t['calibration_title'])}</h2>")
        parts.append(f"<p>{escape(t['calibration_help'])}</p>")
        parts.append(calibration_svg(summary, t["calibration"]))
    strongest = drivers(result.model, table)
    parts.append(f"<h2>{escape(t['drivers'])}</h2><ol>")
    parts += [f"<li>{escape(name)}</li>" for name, __ in strongest]
    parts.append(f"</ol><h2>{escape(t['quality'])}</h2><ul>")
    for name, kind in result.report["columns"]["dropped"].items():
        why = t["kinds"].get(kind, kind)
        parts.append(f"<li>{escape(t['dropped'].format(name=name, why=why))}</li>")
    if result.report.get("dropped_rows"):
        line = t["rows_dropped"].format(n=result.report["dropped_rows"])
        parts.append(f"<li>{escape(line)}</li>")
    fix = {"leakage": "fix_leak", "leakage_column": "fix_leak", "too_few": "fix_more"}
    fix = fix.get(code, "fix_none")
    line = t["fix_first"].format(what=t[fix])
    parts.append(f"<li><strong>{escape(line)}</strong></li></ul>")
    style = (
        "body{font-family:sans-serif;max-width:760px;margin:2em auto;padding:0 1em;"
        "color:#222}.verdict{font-size:1.3em}h2{margin-top:1.5em}"
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(t['title'])}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
