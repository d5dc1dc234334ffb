"""Reachability checks behind ``/readyz``.

Only the database decides whether the application can serve (503 without it). The broker and the
workers are reported, not required: while they are away pages and the API keep answering, and the
jobs the application owes wait in the outbox (ips.jobs) until they are back. A worker counts as seen
when it wrote its heartbeat (on starting, and on each run of the outbox dispatcher that beat schedules
every ``IPS_OUTBOX_DISPATCH_SECONDS``) within the last three dispatcher periods.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)


def database_reachable(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False


def broker_reachable() -> bool | None:
    """None when no broker is configured (tasks run in-process)."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("readiness: broker unreachable", exc_info=True)
        return False


@dataclass
class Readiness:
    checks: dict[str, bool] = field(default_factory=dict)
    worker_last_seen: dt.datetime | None = None
    jobs_waiting: int | None = None

    @property
    def serving(self) -> bool:
        return self.checks.get("database", False)

    @property
    def status(self) -> str:
        if not self.serving:
            return "unavailable"
        return "ready" if all(self.checks.values()) else "degraded"

    def as_json(self) -> dict:
        body: dict = {"status": self.status, "checks": self.checks}
        if "worker" in self.checks:
            body["worker_last_seen"] = self.worker_last_seen.isoformat() if self.worker_last_seen else None
            body["jobs_waiting"] = self.jobs_waiting
        return body


def readiness(connection) -> Readiness:
    """The database; with a broker configured, the broker, a recent worker and the jobs not done yet."""
    result = Readiness(checks={"database": database_reachable(connection)})
    broker = broker_reachable()
    if broker is None:
        return result
    result.checks["broker"] = broker
    result.checks["worker"] = False
    if result.serving:
        from ips.jobs import selectors

        result.worker_last_seen = selectors.worker_last_seen()
        result.checks["worker"] = selectors.worker_seen_recently(result.worker_last_seen)
        backlog = selectors.jobs_backlog()
        result.jobs_waiting = backlog.pending + backlog.sent
    return result
