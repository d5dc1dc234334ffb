# syntax=docker/dockerfile:1
# The IPS Case Manager image: one image for the web server, the Celery worker and Celery beat
# (docker-compose.yml chooses the command).

# Front-end packages (USWDS, htmx) from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    STATIC_ROOT=/var/lib/ips/static \
    MEDIA_ROOT=/var/lib/ips/media

# WeasyPrint (PDF letters) needs Pango and HarfBuzz's subsetting library; the fonts are for the letters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

# pg_dump, pg_restore and psql for `manage.py backup`, of the database server's major version
# (docker-compose.yml runs postgres:16), from the PostgreSQL project's Debian repository.
ARG PG_MAJOR=16
RUN install -d /usr/share/postgresql-common/pgdg \
    && python -c "import urllib.request; urllib.request.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', '/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc')" \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ips \
    && useradd --system --uid 10001 --gid ips --home-dir /app --no-create-home --shell /usr/sbin/nologin ips

WORKDIR /app
# The code stays owned by root: the application user can read it but not change it.
COPY . .
RUN pip install . \
    && rm -rf build *.egg-info \
    && mkdir -p /var/lib/ips/static /var/lib/ips/media \
    && chown -R ips:ips /var/lib/ips
COPY --from=assets /build/node_modules ./node_modules

USER ips
EXPOSE 8000
CMD ["gunicorn", "ips.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
