"""SQLite (the demo's database) answers case-insensitive lookups as PostgreSQL does, for every letter."""

import pytest
from django.db.utils import ConnectionHandler

from ips.sqlite import like


@pytest.fixture
def sqlite(django_db_blocker):
    """A Django connection to an in-memory SQLite database, beside the suite's PostgreSQL one."""
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    wrapper = handler["default"]
    with django_db_blocker.unblock():
        yield wrapper
        wrapper.close()


def test_a_django_sqlite_connection_ignores_case_for_every_letter_in_like(sqlite):
    with sqlite.cursor() as cursor:
        cursor.execute("CREATE TABLE country (name TEXT)")
        cursor.executemany("INSERT INTO country VALUES (%s)",
                           [("Åland Islands",), ("Côte d'Ivoire",), ("Türkiye",), ("Austria",)])
        found = {}
        for typed in ("åland", "CÔTE", "TÜRK", "aus", "100%"):
            cursor.execute("SELECT name FROM country WHERE name LIKE %s ESCAPE '\\' ORDER BY name",
                           [f"%{typed.replace('%', chr(92) + '%')}%"])
            found[typed] = [name for (name,) in cursor.fetchall()]

    assert found == {"åland": ["Åland Islands"], "CÔTE": ["Côte d'Ivoire"], "TÜRK": ["Türkiye"],
                     "aus": ["Austria"], "100%": []}


@pytest.mark.parametrize(
    ("value", "pattern", "matches"),
    [
        ("Curaçao", "%CURAÇAO%", True),
        ("Curaçao", "cura_ao", True),
        ("Curaçao", "cura_", False),
        ("50% done", "50\\%%", True),
        ("50 done", "50\\%%", False),
        ("a_b", "a\\_b", True),
        ("axb", "a\\_b", False),
        ("line one\nline two", "%TWO", True),
    ],
)
def test_like_follows_the_sql_operator(value, pattern, matches):
    assert like(pattern, value, "\\") is matches


def test_like_of_null_is_null():
    assert like(None, "x") is None
    assert like("x", None) is None
