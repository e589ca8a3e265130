# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rate limits shared by every worker, counted in the database.

One row per (key, time window) in ``pyme_ai_chat_rate`` (model ``pyme.ai.chat.rate``),
incremented with one ``INSERT ... ON CONFLICT DO UPDATE`` and read back in the same
statement: every worker and thread sees the same counts. A per-minute limit is a
sliding window (the previous minute weighs by the share of it still inside the last 60
seconds), so 80 messages in a minute get at most the limit answered whatever the
minute boundaries. Keys never hold a raw address: ``address_key`` hashes it.

The caller passes a short cursor of its own, committed at once, so a counter row is
never locked while a visitor waits, and ``read_committed``: two workers counting one
key then wait for each other instead of failing to serialize (an ERROR in Odoo's log).
"""

import hashlib
import random
import time

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo.sql_db import Cursor
from odoo.tools import SQL

RATE_PARAM = "pyme_ai_chat.rate_limit"
DEFAULT_RATE = 20
WEBSITE_RATE_PARAM = "pyme_ai_chat.website_rate_limit"
DEFAULT_WEBSITE_RATE = 600
CONVERSATIONS_PARAM = "pyme_ai_chat.conversations_per_hour"
DEFAULT_CONVERSATIONS = 10
#: Windows older than this many seconds are deleted now and then.
KEEP_SECONDS = 2 * 86400
#: Chance that one call also deletes old windows.
CLEANUP_CHANCE = 0.01


def address_key(address, salt=""):
    """A short stable hash of a client address (no raw address is stored)."""
    digest = hashlib.sha256(f"{salt}:{address or '?'}".encode()).hexdigest()
    return digest[:20]


def read_committed(cr):
    """A new cursor switched to READ COMMITTED (a test cursor is left as is)."""
    if isinstance(cr, Cursor):
        cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
    return cr


class DatabaseRateLimiter:
    """Counters per key and window in ``pyme_ai_chat_rate``."""

    table = "pyme_ai_chat_rate"

    def __init__(self, clock=time.time):
        self.clock = clock

    def hit(self, cr, key, window):
        """Count one request for ``key`` in the current ``window`` (seconds); return
        ``(count in this window, count in the previous one, share of the window
        elapsed)``."""
        now = self.clock()
        start = int(now // window) * window
        cr.execute(
            SQL(
                "WITH hit AS (INSERT INTO %(table)s (key, window_start, hits) VALUES "
                "(%(key)s, %(start)s, 1) ON CONFLICT (key, window_start) DO UPDATE SET "
                "hits = %(table)s.hits + 1 RETURNING hits) SELECT (SELECT hits FROM "
                "hit), COALESCE((SELECT hits FROM %(table)s WHERE key = %(key)s AND "
                "window_start = %(previous)s), 0)",
                table=SQL.identifier(self.table),
                key=key,
                start=start,
                previous=start - window,
            )
        )
        current, previous = cr.fetchone()
        if random.random() < CLEANUP_CHANCE:  # noqa: S311 - not security relevant
            cr.execute(
                SQL(
                    "DELETE FROM %(table)s WHERE window_start < %(limit)s",
                    table=SQL.identifier(self.table),
                    limit=int(now) - KEEP_SECONDS,
                )
            )
        return current, previous, (now - start) / window

    def allow(self, cr, key, limit, window=60):
        """True while ``key`` made at most ``limit`` requests in the last ``window``
        seconds (sliding estimate, this request included)."""
        current, previous, elapsed = self.hit(cr, key, window)
        return previous * (1.0 - elapsed) + current <= max(int(limit), 1)


limiter = DatabaseRateLimiter()
