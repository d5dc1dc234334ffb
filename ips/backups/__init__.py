"""Backups: the database and the stored files (``MEDIA_ROOT``) together, in one archive with a manifest.

``services`` makes, checks and restores archives (``manage.py backup create|verify|restore``);
``archive`` reads and writes the archive format; ``databases`` dumps and restores each database
with its own tools (``pg_dump``/``pg_restore`` for PostgreSQL, the SQLite backup API for SQLite).
"""
