#!/usr/bin/env bash
# Installs everything and serves the demo on the embedded default: SQLite, tasks in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export DEBUG="${DEBUG:-1}"
export SECURE_SSL="${SECURE_SSL:-0}"
if [ -z "${DEMO_PASSWORD:-}" ]; then
  DEMO_PASSWORD="$(.venv/bin/python -c 'import secrets; print("ips-" + secrets.token_urlsafe(9))')"
fi
export DEMO_PASSWORD

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_reference_data
.venv/bin/python manage.py seed_demo

host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"
cat <<TXT

  IPS Case Manager demo: http://${host}:${port}/
  Users: psa1, lant51, ipslo.acteur, ipslo.feact, ipslo.lant512, viewer
  Password: ${DEMO_PASSWORD}
  psa1 and lant51 also enter a code: add the secret ${DEMO_TOTP_SECRET:-IPSCASEMANAGERDEMOTOTPSECRETKEY2} to an
  authenticator app, or run  .venv/bin/python manage.py demo_code

TXT
exec .venv/bin/python manage.py runserver "${host}:${port}"
