"""The production-like stack: docker-compose.yml, the Dockerfile and the example environment.

Docker does not run in the test environment, so the files are checked as data.
"""

import re
import shutil
import subprocess
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


def test_stack_has_database_broker_web_proxy_worker_and_beat(services):
    assert set(services) == {"db", "redis", "web", "proxy", "worker", "beat"}
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
        ("proxy", "/healthz"),
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


# --- the reverse proxy in front of gunicorn -------------------------------------------------------------

NGINX_TEMPLATES = BASE_DIR / "deploy" / "nginx" / "templates"


@pytest.fixture(scope="module")
def proxy_config() -> str:
    return (NGINX_TEMPLATES / "ips.conf.template").read_text(encoding="utf-8")


def default_of(value: str) -> str:
    """The default of a compose interpolation such as "${NAME:-48}"."""
    match = re.fullmatch(r"\$\{(\w+):-([^}]*)\}", value)
    assert match, value
    return match.group(2)


def test_only_the_proxy_is_published_and_it_forwards_to_gunicorn(services, proxy_config):
    assert services["proxy"]["ports"] == ["8000:80"]
    assert "ports" not in services["web"] and services["web"]["expose"] == ["8000"]
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "server web:8000;" in proxy_config and "proxy_pass http://ips_web;" in proxy_config
    mounts = services["proxy"]["volumes"]
    assert "./deploy/nginx/templates:/etc/nginx/templates:ro" in mounts


def test_the_proxy_caps_the_body_above_the_largest_form_the_application_accepts(services, proxy_config):
    from ips.upload_handlers import max_request_bytes

    assert "client_max_body_size ${IPS_PROXY_MAX_BODY_MB}m;" in proxy_config
    cap_mb = int(default_of(services["proxy"]["environment"]["IPS_PROXY_MAX_BODY_MB"]))
    example = dict(line.split("=", 1) for line in (BASE_DIR / ".env.example").read_text().splitlines()
                   if re.match(r"[A-Z_]+=", line))
    assert int(example["IPS_PROXY_MAX_BODY_MB"]) == cap_mb
    # Above the largest honest request (two files at the limit and the form), so the application's own
    # message answers a file that is a little too big; within a few MB of it, so the cap means something.
    largest = max_request_bytes() / (1024 * 1024)
    assert largest < cap_mb <= largest + 10
    assert "proxy_request_buffering on;" in proxy_config  # a slow upload holds no gunicorn worker
    assert "error_page 413 /413.html;" in proxy_config
    assert (BASE_DIR / "deploy" / "nginx" / "html" / "413.html").is_file()


def test_the_proxy_passes_on_host_client_address_and_scheme(proxy_config):
    assert "proxy_set_header Host $http_host;" in proxy_config
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy_config
    assert "proxy_set_header X-Forwarded-Proto $ips_forwarded_proto;" in proxy_config
    # As the TLS-terminating proxy in front set it, else the scheme this proxy was reached by.
    assert re.search(r"map \$http_x_forwarded_proto \$ips_forwarded_proto \{\s*default \$http_x_forwarded_proto;"
                     r"\s*\"\"\s+\$scheme;", proxy_config)


def test_nginx_accepts_the_proxy_configuration(proxy_config, tmp_path):
    """Where nginx is installed: the template, filled in as the nginx image does, passes ``nginx -t``."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed here")
    config = proxy_config.replace("${IPS_PROXY_MAX_BODY_MB}", "48")
    config = config.replace("server web:8000;", "server 127.0.0.1:8000;")  # "web" resolves only in compose
    (tmp_path / "ips.conf").write_text(config)
    temp_paths = " ".join(f"{kind}_temp_path {tmp_path}/{kind};" for kind in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; {temp_paths} include {tmp_path}/ips.conf; }}\n"
    )

    result = subprocess.run([nginx, "-t", "-q", "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=30)

    assert result.returncode == 0, result.stderr
