from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ips.readiness import broker_reachable, database_reachable


@require_GET
@never_cache
def healthz(request):
    """The process is alive."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """The database and, when configured, the broker answer; 503 otherwise."""
    checks = {"database": database_reachable(connection)}
    broker = broker_reachable()
    if broker is not None:
        checks["broker"] = broker
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@login_required
def home(request):
    return render(request, "home.html")
