"""Redis outages: the cache, the request throttle and the broker keep the site answering, and say so in
the log once per failure burst rather than once per request.

``OncePerBurst`` is the filter of the ``ips.redis`` logger (see ``LOGGING`` in the settings); the cache
(django-redis, ``DJANGO_REDIS_LOGGER``), the throttle and the job dispatcher log their Redis failures
there.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

LOGGER_NAME = "ips.redis"
logger = logging.getLogger(LOGGER_NAME)

# What a cache or broker call raises when Redis is down or does not answer in time.
REDIS_ERRORS = (redis.RedisError, ConnectionError, TimeoutError, OSError)


class OncePerBurst(logging.Filter):
    """Lets through the first record of each kind in a burst of failures and drops the rest.

    A burst lasts as long as records of the same kind (logger and message) keep coming less than
    ``quiet_seconds`` apart; during a long one, a record is let through again every ``repeat_seconds``
    so the log shows the outage goes on.
    """

    def __init__(self, quiet_seconds: float = 60, repeat_seconds: float = 600):
        super().__init__()
        self.quiet_seconds = quiet_seconds
        self.repeat_seconds = repeat_seconds
        self._lock = threading.Lock()
        self._last_seen: dict[tuple, float] = {}
        self._last_shown: dict[tuple, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = time.monotonic()
        with self._lock:
            last_seen = self._last_seen.get(key)
            self._last_seen[key] = now
            new_burst = last_seen is None or now - last_seen >= self.quiet_seconds
            if new_burst or now - self._last_shown.get(key, now) >= self.repeat_seconds:
                self._last_shown[key] = now
                return True
            return False

    def reset(self) -> None:
        with self._lock:
            self._last_seen.clear()
            self._last_shown.clear()
