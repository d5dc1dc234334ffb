"""The program dashboard (LANT-51 runs the program from it; PSA-1 reads it).

``program_dashboard`` is also what LANT-51 sees at ``/``: the home view calls it with its request.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ips import permissions
from ips.dashboards import program


@login_required
def program_dashboard(request):
    permissions.require(request.user, "ips.view_program_dashboard")
    dashboard = program.program_dashboard(today=timezone.localdate())
    return render(request, "dashboards/program.html", {"dashboard": dashboard, "fouo": True})


urlpatterns = [path("dashboard/", program_dashboard, name="dashboard")]
