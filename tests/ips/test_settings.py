"""Settings from the environment, checked in fresh processes (settings load once per process)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

BASE_DIR = Path(django_settings.BASE_DIR)


def run(args: list[str], tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Run ``python <args>`` in the project with the given variables over a neutral base.

    Every variable the tests rely on is given explicitly (an empty value counts as set), so a
    developer's ``.env`` file cannot change the outcome.
    """
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by browser tests
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "ips.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        "REDIS_URL": "",
        "SECRET_KEY": "",
        "DEBUG": "0",
        "SECURE_SSL": "0",
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": "",
        **environment,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def production(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL": "1",
        "ALLOWED_HOSTS": "ips.example.gov",
        "CSRF_TRUSTED_ORIGINS": "https://ips.example.gov",
        **overrides,
    }


def test_production_mode_passes_the_deployment_checks(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_checks_fail_without_https_settings(tmp_path):
    """The check above can fail: without SECURE_SSL the same command reports the HTTPS warnings."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production(SECURE_SSL="0")
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # HSTS


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DEBUG="0", SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_mode_loads_without_secret_key(tmp_path):
    result = run(["manage.py", "check"], tmp_path, DEBUG="1", SECRET_KEY="")

    assert result.returncode == 0, result.stderr


CELERY_SCRIPT = """
import json
import django
django.setup()
from django.conf import settings
from ips.celery import app

@app.task
def add(x, y):
    return x + y

print(json.dumps({
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "result": add.delay(2, 3).get(timeout=5) if app.conf.task_always_eager else None,
}))
"""


def celery_config(tmp_path, redis_url: str) -> dict:
    result = run(["-c", CELERY_SCRIPT], tmp_path, **production(REDIS_URL=redis_url))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_url_celery_runs_tasks_in_process(tmp_path):
    config = celery_config(tmp_path, "")

    assert config["eager"] is True
    assert config["broker"] == "memory://"
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["result"] == 5  # ran in this process: no broker or worker involved


def test_with_redis_url_celery_uses_redis_as_broker_and_cache(tmp_path):
    redis_url = "redis://127.0.0.1:6379/3"  # only configured here: nothing connects to it

    config = celery_config(tmp_path, redis_url)

    assert config["eager"] is False
    assert config["broker"] == redis_url
    assert config["cache"] == "django_redis.cache.RedisCache"
