"""Reachability checks behind ``/readyz``."""

import logging

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
