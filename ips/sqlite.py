"""SQLite (the demo's database) made to answer text lookups as PostgreSQL does.

Django runs ``icontains``, ``iexact``, ``istartswith`` and the like on SQLite with ``LIKE``, which
ignores case for ASCII letters only: "åland" would not find "Åland Islands", which PostgreSQL's
``UPPER(...) LIKE UPPER(...)`` finds. Every SQLite connection gets a ``like()`` function (SQLite's
documented way to replace the operator) that ignores case for every letter.
"""

from __future__ import annotations

import functools
import re

from django.db.backends.signals import connection_created


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern, value, escape=None) -> bool | None:
    """``value LIKE pattern [ESCAPE escape]``, ignoring case for every letter (NULL if either is NULL)."""
    if pattern is None or value is None:
        return None
    if escape is not None and len(escape) != 1:
        raise ValueError("ESCAPE expression must be a single character")
    return _compiled(str(pattern), escape).fullmatch(str(value)) is not None


def _add_functions(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("like", 2, like, deterministic=True)
    connection.connection.create_function("like", 3, like, deterministic=True)


def connect() -> None:
    """Add the functions to every SQLite connection opened from now on (called once, at start-up)."""
    connection_created.connect(_add_functions, dispatch_uid="ips.sqlite.add_functions")
