# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""In-memory token buckets limiting chat messages per visitor (per worker)."""

import threading
import time

RATE_PARAM = "pyme_ai_chat.rate_limit"
DEFAULT_RATE = 20
#: Buckets kept per worker; the least recently used are dropped beyond this.
MAX_BUCKETS = 10000


class RateLimiter:
    """``allow(key)`` is True while ``key`` has tokens; ``rate`` tokens per minute,
    at most ``rate`` in a burst."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._buckets = {}
        self._lock = threading.Lock()

    def allow(self, key, rate):
        rate = max(int(rate), 1)
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(rate), now))
            tokens = min(float(rate), tokens + (now - last) * rate / 60.0)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)  # re-inserted: most recent last
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.pop(next(iter(self._buckets)))
            return allowed

    def reset(self):
        with self._lock:
            self._buckets.clear()


limiter = RateLimiter()
