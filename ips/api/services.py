"""API client accounts and their tokens. Only LANT-51 (or an administrator) creates and manages them."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from ips import permissions
from ips.audit import acting_as
from ips.models import User
from ips.roles import Role

API_CLIENT_ROLE = Role.VIEWER  # read-only: an API client sees what a Viewer sees, and writes nothing


def _require(by) -> None:
    permissions.enforce(by, "ips.manage_api_clients")


def api_clients() -> list[User]:
    return list(
        User.objects.filter(is_api_client=True).select_related("auth_token").order_by("username")
    )


@transaction.atomic
def api_client_create(*, username: str, name: str, contact_email: str = "", by) -> User:
    """A read-only account for a REST client. It has no password: it signs in only with a token."""
    _require(by)
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "An account with this username already exists."})
    client = User(username=username, first_name=(name or "").strip()[:150], email=(contact_email or "").strip(),
                  is_api_client=True, is_staff=False, is_superuser=False)
    client.set_unusable_password()
    client.full_clean(exclude=["password"])
    with acting_as(by):
        client.save()
        client.groups.add(Group.objects.get_or_create(name=API_CLIENT_ROLE)[0])
    return client


@transaction.atomic
def api_token_issue(*, client: User, by) -> str:
    """A new token for ``client`` (any earlier one stops working). The key is returned to be shown once."""
    _require(by)
    if not client.is_api_client:
        raise ValidationError("Tokens are issued only to API client accounts.")
    Token.objects.filter(user=client).delete()
    return Token.objects.create(user=client).key


@transaction.atomic
def api_token_revoke(*, client: User, by) -> bool:
    """Revoke the client's token at once; True if there was one."""
    _require(by)
    deleted, _ = Token.objects.filter(user=client).delete()
    return bool(deleted)


@transaction.atomic
def api_client_set_active(*, client: User, active: bool, by) -> User:
    _require(by)
    with acting_as(by):
        client.is_active = active
        client.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=client).delete()
    return client
