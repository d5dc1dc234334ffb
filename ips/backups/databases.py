"""Dumping and restoring the database with its own tools.

PostgreSQL: ``pg_dump`` (custom format) reads the database in the snapshot that the row counts, the
migration state and the file references are read in, so the manifest describes exactly the dump.
A restore drops every table and loads the dump in one transaction (``pg_restore`` turns the dump into
SQL, ``psql --single-transaction`` runs it): it is complete or it did not happen.

SQLite: the backup API copies the database page by page into a consistent copy, which the counts are
read from; a restore copies the archive's database back the same way, in one step.

Both dump the database as it is, bypassing the ORM: the audit log and every other table come back
exactly as they were, and restoring writes no new audit entries.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import FileField

from ips.backups.archive import BackupError

# The tables ``migrate`` fills by itself: a database holding rows only there holds no data yet.
MIGRATE_TABLES = frozenset({
    "django_migrations", "django_content_type", "auth_permission", "auth_group", "auth_group_permissions",
})


@dataclass(frozen=True)
class DumpResult:
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    referenced_files: set[str]
    tool: str
    server_version: str


def _table_counts(wrapper: BaseDatabaseWrapper, cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(wrapper.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {wrapper.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(wrapper: BaseDatabaseWrapper, cursor, tables) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    if "django_migrations" not in tables:
        return applied
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _referenced_files(wrapper: BaseDatabaseWrapper, cursor, tables) -> set[str]:
    """The stored files the records name (every non-empty file field)."""
    quote = wrapper.ops.quote_name
    names: set[str] = set()
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tables:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                column = quote(field.column)
                cursor.execute(f"SELECT {column} FROM {quote(table)} WHERE {column} IS NOT NULL AND {column} <> ''")
                names.update(row[0] for row in cursor.fetchall())
    return names


def _describe(wrapper: BaseDatabaseWrapper, cursor) -> tuple[dict[str, int], dict[str, list[str]], set[str]]:
    counts = _table_counts(wrapper, cursor)
    return counts, _migrations(wrapper, cursor, counts), _referenced_files(wrapper, cursor, counts)


class Database:
    """The configured database, as a backup sees it."""

    vendor: str
    dump_name: str

    def __init__(self, alias: str = DEFAULT_DB_ALIAS):
        self.alias = alias

    @property
    def wrapper(self) -> BaseDatabaseWrapper:
        return connections[self.alias]

    def dump(self, target: Path) -> DumpResult:
        raise NotImplementedError

    def restore(self, source: Path) -> None:
        raise NotImplementedError

    def stored_in(self, directory: Path) -> bool:
        """Whether the database's own files are in ``directory``."""
        return False

    def table_names(self) -> list[str]:
        with self.wrapper.cursor() as cursor:
            return sorted(self.wrapper.introspection.table_names(cursor))

    def table_counts(self) -> dict[str, int]:
        with self.wrapper.cursor() as cursor:
            return _table_counts(self.wrapper, cursor)

    def tables_with_data(self) -> list[str]:
        """The tables holding rows beyond what ``migrate`` writes."""
        return [name for name, count in self.table_counts().items() if count and name not in MIGRATE_TABLES]


def database_for(alias: str = DEFAULT_DB_ALIAS) -> Database:
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return PostgreSQLDatabase(alias)
    if vendor == "sqlite":
        return SQLiteDatabase(alias)
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")


# --- PostgreSQL --------------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            f"{args[0]} is not installed: {what} needs the PostgreSQL client tools (pg_dump, pg_restore, psql) "
            "of the server's major version or newer."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {args[0]} said: {done.stderr.strip() or done.returncode}")
    return done.stdout


class PostgreSQLDatabase(Database):
    vendor = "postgresql"
    dump_name = "database.pgdump"

    def _client(self, program: str, parameters: list[str]) -> tuple[list[str], dict[str, str]]:
        """The command line and environment that run ``program`` against the database, the way
        ``manage.py dbshell`` runs psql (the password goes in the environment, never on the command line)."""
        client = self.wrapper.client
        args, env = client.settings_to_cmd_args_env(self.wrapper.settings_dict, parameters)
        args[0] = program
        return args, {**os.environ, **(env or {})}

    def dump(self, target: Path) -> DumpResult:
        tool = _run(["pg_dump", "--version"], {}, "The backup").strip()
        # A connection of its own: its snapshot is shared with pg_dump, whatever transaction the caller is in.
        wrapper = self.wrapper.copy()
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                args, env = self._client("pg_dump", [
                    "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={target}",
                ])
                _run(args, env, "The database dump")
                counts, migrations, files = _describe(wrapper, cursor)
                cursor.execute("COMMIT")
            server = ".".join(str(part) for part in divmod(wrapper.pg_version, 10000))
        finally:
            wrapper.close()
        return DumpResult(counts, migrations, files, tool, server)

    def restore(self, source: Path) -> None:
        """Drop every table, then load the dump, in one transaction."""
        quote = self.wrapper.ops.quote_name
        existing = self.table_names()
        self.wrapper.close()
        preamble = "SET client_min_messages = warning;\n"
        if existing:
            preamble += f"DROP TABLE IF EXISTS {', '.join(quote(name) for name in existing)} CASCADE;\n"
        psql, env = self._client("psql", ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                                          "--file=-"])
        to_sql = ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(source)]
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
            try:
                reader = subprocess.Popen(to_sql, stdout=subprocess.PIPE, stderr=restore_errors)
                writer = subprocess.Popen(psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors,
                                          env=env)
            except FileNotFoundError as error:
                raise BackupError(
                    f"{error.filename} is not installed: the restore needs the PostgreSQL client tools "
                    "(pg_restore, psql) of the server's major version or newer."
                ) from error
            try:
                writer.stdin.write(preamble.encode())
                shutil.copyfileobj(reader.stdout, writer.stdin)
                writer.stdin.close()
            except BrokenPipeError:  # psql stopped at an error; its message says which
                pass
            finally:
                reader.stdout.close()
            read_status, write_status = reader.wait(), writer.wait()
            if read_status or write_status:
                restore_errors.seek(0)
                psql_errors.seek(0)
                said = (psql_errors.read() or restore_errors.read()).decode(errors="replace").strip()
                raise BackupError(f"The database restore failed and changed nothing: {said}")


# --- SQLite ------------------------------------------------------------------------------------


class SQLiteDatabase(Database):
    vendor = "sqlite"
    dump_name = "database.sqlite3"

    @property
    def path(self) -> Path:
        name = str(self.wrapper.settings_dict["NAME"])
        if self.wrapper.is_in_memory_db():
            raise BackupError("The database is in memory: there is no file to back up or restore.")
        return Path(name)

    def stored_in(self, directory: Path) -> bool:
        return directory in self.path.resolve().parents

    def table_names(self) -> list[str]:
        return super().table_names() if self.path.exists() else []  # no file yet: an empty database

    def table_counts(self) -> dict[str, int]:
        return super().table_counts() if self.path.exists() else {}

    @contextmanager
    def _open(self, database: str, **options) -> Iterator[sqlite3.Connection]:
        timeout = float(self.wrapper.settings_dict["OPTIONS"].get("timeout", 20))
        try:
            db = sqlite3.connect(database, timeout=timeout, **options)
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not open {database}: {error}") from error
        try:
            yield db
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not copy {database}: {error}") from error
        finally:
            db.close()

    def dump(self, target: Path) -> DumpResult:
        if not self.path.is_file():
            raise BackupError(f"The database file {self.path} does not exist.")
        read_only = f"{self.path.resolve().as_uri()}?mode=ro"
        with self._open(read_only, uri=True) as source, self._open(str(target)) as copy:
            source.backup(copy)
        # Counted in the copy: the manifest describes exactly what was copied.
        wrapper = self.wrapper.copy()
        wrapper.settings_dict = {**wrapper.settings_dict, "NAME": str(target)}
        try:
            with wrapper.cursor() as cursor:
                counts, migrations, files = _describe(wrapper, cursor)
        finally:
            wrapper.close()
        return DumpResult(counts, migrations, files, f"SQLite {sqlite3.sqlite_version} backup API",
                          sqlite3.sqlite_version)

    def restore(self, source: Path) -> None:
        """Copy the archive's database over this one, in one step (the backup API holds the write lock)."""
        target = self.path
        self.wrapper.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._open(str(source)) as archived, self._open(str(target)) as current:
            archived.backup(current)
