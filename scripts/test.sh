#!/usr/bin/env bash
# Installs everything and runs the whole test suite on PostgreSQL and Redis
# (DATABASE_URL and REDIS_URL, defaulting to the local servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ips}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789abcdef}"
export DEBUG=0 SECURE_SSL=0
export MEDIA_ROOT="${MEDIA_ROOT:-$(mktemp -d)}"

echo "== ruff"
.venv/bin/ruff check .
echo "== migrations"
.venv/bin/python manage.py makemigrations --check --dry-run
echo "== static files"
.venv/bin/python manage.py collectstatic --noinput -v 0
echo "== deployment checks"
SECURE_SSL=1 ALLOWED_HOSTS=ips.example.gov .venv/bin/python manage.py check --deploy --fail-level WARNING
# Tests that start a real Celery worker share one Redis broker, so they run on their own, one at a
# time; everything else runs in parallel (PYTEST_WORKERS, default 2).
run_pytest() {
  local status=0
  .venv/bin/pytest "$@" || status=$?
  [ "$status" = 5 ] && status=0  # no test of that kind among the ones asked for
  return "$status"
}
echo "== tests"
run_pytest -m "not celery_worker and not sqlite_demo" -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
echo "== tests with a real Celery worker"
run_pytest -m celery_worker "$@"
# The demo as scripts/demo.sh builds it (SQLite, DEBUG=1, jobs in-process), walked page by page by every
# role, then backed up and restored into a fresh database.
echo "== SQLite demo smoke test"
run_pytest -m sqlite_demo "$@"
