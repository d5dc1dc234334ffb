#!/usr/bin/env bash
# Installs everything the project needs: the Python virtual environment with the project and its
# dependencies, the front-end packages from the npm registry, and (as root on Debian) the system
# packages that PDF rendering and the browser tests use.
#   scripts/setup.sh          the application
#   scripts/setup.sh --test   the application and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  wanted="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils"
  [ -n "$extras" ] && wanted="$wanted chromium"
  # The tests also back up and restore PostgreSQL databases (pg_dump, pg_restore, psql).
  if [ -n "$extras" ] && ! command -v pg_dump >/dev/null 2>&1; then wanted="$wanted postgresql-client"; fi
  missing=""
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "Installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "Not root or no apt-get: install Pango, libharfbuzz-subset0 and (for tests) Chromium and the PostgreSQL client yourself." >&2
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
