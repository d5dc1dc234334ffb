"""Pages where LANT-51 creates API client accounts and issues and revokes their tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ips import permissions
from ips.api import services
from ips.api.forms import ApiClientForm
from ips.models import User


def _client_or_404(pk: int) -> User:
    return get_object_or_404(User.objects.filter(is_api_client=True).select_related("auth_token"), pk=pk)


@login_required
def client_list(request):
    permissions.require(request.user, "ips.manage_api_clients")
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.api_client_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The API client {client.username} was created. Issue it a token below.")
            return redirect("api_clients:detail", pk=client.pk)
    return render(request, "api/client_list.html", {"clients": services.api_clients(), "form": form})


@login_required
def client_detail(request, pk: int, new_key: str | None = None, status: int = 200):
    permissions.require(request.user, "ips.manage_api_clients")
    client = _client_or_404(pk)
    token = getattr(client, "auth_token", None)
    return render(request, "api/client_detail.html", {"client": client, "token": token, "new_key": new_key},
                  status=status)


@login_required
@require_POST
def token_issue(request, pk: int):
    permissions.require(request.user, "ips.manage_api_clients")
    client = _client_or_404(pk)
    if not client.is_active:
        messages.error(request, "Reactivate the account before issuing a token.")
        return redirect("api_clients:detail", pk=client.pk)
    key = services.api_token_issue(client=client, by=request.user)
    # The key is shown on this answer only; it is never displayed again.
    response = client_detail(request, pk, new_key=key)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    permissions.require(request.user, "ips.manage_api_clients")
    client = _client_or_404(pk)
    if services.api_token_revoke(client=client, by=request.user):
        messages.success(request, f"The token of {client.username} was revoked; requests with it now get 401.")
    else:
        messages.info(request, f"{client.username} had no token.")
    return redirect("api_clients:detail", pk=client.pk)


@login_required
@require_POST
def client_active(request, pk: int):
    permissions.require(request.user, "ips.manage_api_clients")
    client = _client_or_404(pk)
    active = request.POST.get("active") == "1"
    services.api_client_set_active(client=client, active=active, by=request.user)
    messages.success(request, f"{client.username} is {'active' if active else 'deactivated; its token was revoked'}.")
    return redirect("api_clients:detail", pk=client.pk)
