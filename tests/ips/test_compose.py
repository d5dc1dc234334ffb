"""The production-like stack: docker-compose.yml, the Dockerfile and the example environment.

Docker does not run in the test environment, so the files are checked as data.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_stack_has_database_broker_web_worker_and_beat(services):
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_every_service_has_a_healthcheck(services):
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        assert test[0] in ("CMD", "CMD-SHELL") if isinstance(test, list) else test, name


@pytest.mark.parametrize(
    ("name", "probe"),
    [
        ("db", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("web", "/readyz"),
        ("worker", "inspect ping"),
        ("beat", "celerybeat.pid"),
    ],
)
def test_healthchecks_probe_the_service(services, name, probe):
    assert probe in healthcheck_text(services[name])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_services_wait_for_a_healthy_database_and_redis(services, name):
    depends = services[name]["depends_on"]
    assert depends["db"] == {"condition": "service_healthy"}
    assert depends["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_start_after_the_web_container_migrated(services, name):
    assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_application_services_read_the_env_file(services, name):
    env_file = services[name]["env_file"]
    assert env_file == ".env" or ".env" in env_file


def test_web_migrates_collects_static_and_serves_with_gunicorn(services):
    command = command_text(services["web"])
    assert "set -e" in command
    steps = ["manage.py migrate", "manage.py collectstatic", "gunicorn ips.wsgi:application"]
    positions = [command.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "seed_demo" in command and "DEMO_PASSWORD" in command


def test_worker_and_beat_run_celery(services):
    assert command_text(services["worker"]).startswith("celery -A ips worker")
    assert command_text(services["beat"]).startswith("celery -A ips beat")


def test_example_environment_documents_every_setting_the_application_reads():
    read_by_app = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (BASE_DIR / "ips" / "env.py").read_text()))
    lines = (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines()
    documented = {}
    for number, line in enumerate(lines):
        match = re.match(r"([A-Z_]+)=", line)
        if match:
            documented[match.group(1)] = lines[number - 1].startswith("#")
    assert read_by_app >= {
        "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL",
        "DEFAULT_FROM_EMAIL", "MEDIA_ROOT", "STATIC_ROOT", "SECURE_SSL", "CONN_MAX_AGE", "DEMO_PASSWORD", "LOG_LEVEL",
    }
    assert read_by_app <= set(documented), read_by_app - set(documented)
    undocumented = [name for name, has_comment in documented.items() if not has_comment]
    assert not undocumented, f"no comment above {undocumented}"


def test_example_environment_has_no_real_secret():
    lines = (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if re.match(r"[A-Z_]+=", line))
    assert values["SECRET_KEY"] == ""
    assert values["DEMO_PASSWORD"] == ""
    assert values["DEBUG"] == "0"
    assert values["POSTGRES_PASSWORD"] in values["DATABASE_URL"]


def test_dockerfile_builds_a_slim_non_root_image_with_pdf_libraries_and_front_end_packages():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages[-1] == "python:3.11-slim-bookworm"
    assert any(stage.startswith("node:") for stage in stages[:-1])
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in dockerfile
    assert "npm ci" in dockerfile
    assert "pip install ." in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
