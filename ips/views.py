from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ips import permissions
from ips.dashboards import homes
from ips.dashboards import views as dashboard_views
from ips.readiness import readiness


@require_GET
@never_cache
def healthz(request):
    """The process is alive."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    """503 only when the database does not answer; the broker and the workers are reported ("degraded")."""
    report = readiness(connection)
    return JsonResponse(report.as_json(), status=200 if report.serving else 503)


@login_required
def home(request):
    """Each role's own home page: PSA-1's, LANT-51's program dashboard, the IPSLO's; the shortcuts page
    for Viewers and users without a role."""
    page = permissions.home_page(request.user)
    if page == "psa1":
        return homes.psa1_home(request)
    if page == "program":
        return dashboard_views.program_dashboard(request)
    if page == "ipslo":
        return homes.ipslo_home(request)
    return render(request, "home.html")


def permission_denied(request, exception=None):
    """The 403 page: what was refused and its reason code, the same code the API gives."""
    code = getattr(exception, "code", permissions.Reason.PERMISSION_DENIED.value)
    message = getattr(exception, "message", "") or "Your role does not allow this page or action."
    return render(request, "403.html", {"reason_code": code, "reason": message}, status=403)
