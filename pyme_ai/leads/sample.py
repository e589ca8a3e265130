"""A synthetic CRM export with a known signal, for tests and the README's try-out."""

from __future__ import annotations

import csv

import numpy as np

SOURCES = ("Website", "Referral", "Google Ads", "Trade fair", "Cold call")
SOURCE_EFFECT = (1.2, 1.8, 0.3, 0.6, -1.8)
COUNTRIES = ("Spain", "Mexico", "Colombia", "Select")
COLUMNS = (
    "lead_id",
    "source",
    "country",
    "email",
    "phone",
    "expected_revenue",
    "visits",
    "newsletter",
    "won",
)


def generate(n=600, seed=0):
    """Rows as dicts: won depends on source, visits, revenue and a corporate email."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        s = int(rng.integers(len(SOURCES)))
        visits = int(rng.poisson(3))
        corporate = rng.random() < 0.5
        revenue = float(rng.lognormal(8, 1))
        logit = (
            SOURCE_EFFECT[s]
            + 0.5 * min(visits, 8)
            + 1.0 * corporate
            + 0.3 * (np.log(revenue) - 8)
            - 2.2
            + rng.normal(0, 0.5)
        )
        won = rng.random() < 1 / (1 + np.exp(-logit))
        domain = (
            f"empresa{i % 40}.es" if corporate else ("gmail.com", "hotmail.es")[i % 2]
        )
        phone = f"+34 6{rng.integers(10_000_000, 99_999_999)}" if i % 5 else ""
        rows.append(
            {
                "lead_id": f"L{i + 1:05d}",
                "source": SOURCES[s],
                "country": COUNTRIES[int(rng.integers(len(COUNTRIES)))],
                "email": f"contacto{i}@{domain}",
                "phone": phone,
                "expected_revenue": f"{revenue:.2f}",
                "visits": str(visits),
                "newsletter": "Yes" if rng.random() < 0.3 else "No",
                "won": "1" if won else "0",
            }
        )
    return rows


def as_table(rows):
    return {name: [row[name] for row in rows] for name in COLUMNS}


def write(path, n=600, seed=0):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate(n, seed))
