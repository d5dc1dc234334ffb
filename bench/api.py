"""Benchmark of the REST API under gunicorn, next to a bare Django JSON view served the same way.

    .venv/bin/python bench/api.py                      # PostgreSQL database ips_bench_api on 127.0.0.1
    BENCH_DATABASE_URL=postgres://... BENCH_SECONDS=8 .venv/bin/python bench/api.py

Creates (or refreshes) a PostgreSQL database with 250 countries, an account with a token, then starts
gunicorn (2 sync workers, persistent database connections: CONN_MAX_AGE=600) on a loopback port with
bench/api_settings.py, and drives three URLs in turn with a load generator on loopback: `wrk` if it is
installed, else a Python loop (processes x threads, one connection per request, as gunicorn's sync
workers close each one). Prints requests per second for

- GET /bench/bare/ (a minimal JsonResponse view: the baseline),
- GET /api/v1/countries/?page_size=250 (all 250 countries in one page),
- GET /api/v1/countries/XAX/ (one country),

and each one's ratio to the baseline. Bounded: BENCH_SECONDS (default 6) per URL after a 1 s warm-up.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ips_bench_api")
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
COUNTRIES = 250
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "bench.api_settings",
    "CONN_MAX_AGE": "600",
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
    "SECURE_SSL": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "ERROR",
}


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> str:
    """Migrate, load 250 countries and an account; return the account's token."""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from countries.choices import NodeCode
    from countries.models import Country, Node
    from ips.models import User
    from ips.roles import Role

    nodes = [Node.objects.get_or_create(code=code, defaults={"name": code, "location": "-", "regions": "-"})[0]
             for code in NodeCode.values]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [f"{a}{b}" for a in alphabet for b in alphabet][:COUNTRIES]
    codes[0] = "XA"  # the detail URL's country
    existing = set(Country.objects.values_list("iso2", flat=True))
    Country.objects.bulk_create([
        Country(iso2=code, iso3=code + "X", name=f"Benchland {code}", node=nodes[i % len(nodes)])
        for i, code in enumerate(codes) if code not in existing
    ])
    user, _ = User.objects.get_or_create(username="bench-viewer")
    user.groups.add(Group.objects.get_or_create(name=Role.VIEWER)[0])
    return Token.objects.get_or_create(user=user)[0].key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, deadline: float = 20.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _python_worker(port, path, headers, seconds, out):
    count, errors = 0, 0
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def loop():
        nonlocal count, errors
        done = bad = 0
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                done += 1
            else:
                bad += 1
        with lock:
            count += done
            errors += bad

    threads = [threading.Thread(target=loop) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((count, errors))


def python_load(port: int, path: str, headers: dict, seconds: float) -> tuple[float, int]:
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_python_worker, args=(port, path, headers, seconds, queue))
             for _ in range(2)]
    start = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - start
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results)


def wrk_load(port: int, path: str, headers: dict, seconds: float) -> tuple[float, int]:
    args = ["wrk", "-t2", "-c8", f"-d{max(1, int(seconds))}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(non2xx.group(1)) if non2xx else 0


def main() -> None:
    ensure_database()
    token = prepare()
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "error", "ips.wsgi:application"],
        cwd=ROOT, env={**ENV, "PYTHONPATH": str(ROOT)},
    )
    load = wrk_load if shutil.which("wrk") else python_load
    try:
        wait_until_up(port)
        auth = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
        targets = [
            ("bare JsonResponse view", "/bench/bare/", {"Host": "127.0.0.1"}),
            ("GET /api/v1/countries/?page_size=250", "/api/v1/countries/?page_size=250", auth),
            ("GET /api/v1/countries/XAX/", "/api/v1/countries/XAX/", auth),
        ]
        print(f"load generator: {'wrk' if load is wrk_load else 'Python (2 processes x 4 threads)'}; "
              f"gunicorn 2 sync workers, CONN_MAX_AGE=600, PostgreSQL, {COUNTRIES} countries; {SECONDS:g} s each")
        results = []
        for label, path, headers in targets:
            load(port, path, headers, 1.0)  # warm-up: connections opened, code paths loaded
            rate, errors = load(port, path, headers, SECONDS)
            results.append((label, rate, errors))
        baseline = results[0][1]
        print(f"{'endpoint':<42}{'req/s':>10}{'vs bare':>10}{'errors':>8}")
        for label, rate, errors in results:
            print(f"{label:<42}{rate:>10.0f}{rate / baseline:>9.2f}x{errors:>8}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
