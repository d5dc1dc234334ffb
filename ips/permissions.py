"""May this user do this action on this object? Asked here, and only here.

Every HTML view, API endpoint and template asks :func:`can` (one object) or :func:`restrict`
(a queryset). Actions are named like Django permissions, ``"<app>.<verb>_<model>"`` for object
actions and ``"<app>.<verb>"`` for actions on no object (``"countries.manage_portfolios"``).

Object rights that follow the portfolio are django-guardian object permissions, kept in step with
portfolio assignments by :mod:`countries.services`; role rights come from group membership.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from ips.roles import Role

Rule = Callable[[Any, Any], bool]
Scope = Callable[[QuerySet, Any], QuerySet]

_RULES: dict[str, Rule] = {}
_SCOPES: dict[tuple[str, str], Scope] = {}


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _any_role(user) -> bool:
    return _is_active(user) and (user.is_superuser or bool(user.roles))


def _manager(user) -> bool:
    """LANT-51 or an administrator."""
    return _is_active(user) and user.has_role(Role.LANT51)


def _program_manager(user) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1)


def _holds_object_perm(user, perm: str, obj) -> bool:
    """The django-guardian object permission granted by the portfolio."""
    return _is_active(user) and Role.IPSLO in user.roles and user.has_perm(perm, obj)


def rule(*actions: str):
    def register(fn: Rule) -> Rule:
        for action in actions:
            _RULES[action] = fn
        return fn

    return register


def scope(model_label: str, *actions: str):
    def register(fn: Scope) -> Scope:
        for action in actions:
            _SCOPES[(model_label, action)] = fn
        return fn

    return register


# --- countries -------------------------------------------------------------------------------


@rule("countries.view_country", "countries.view_port", "countries.view_portfacility")
def _view_reference(user, obj) -> bool:
    return _any_role(user)


@rule("countries.change_country")
def _change_country(user, country) -> bool:
    if _manager(user):
        return True
    return country is not None and _holds_object_perm(user, "countries.change_country", country)


@rule("countries.change_country_node")
def _change_country_node(user, country) -> bool:
    return _manager(user)


@rule(
    "countries.add_port", "countries.change_port",
    "countries.add_portfacility", "countries.change_portfacility",
)
def _change_ports(user, obj) -> bool:
    country = getattr(obj, "country", None) or getattr(getattr(obj, "port", None), "country", None) or obj
    return _change_country(user, country)


@rule("countries.view_portfolios")
def _view_portfolios(user, obj) -> bool:
    return _manager(user) or _program_manager(user)


@rule("countries.manage_portfolios")
def _manage_portfolios(user, obj) -> bool:
    return _manager(user)


@rule("countries.view_audit")
def _view_audit(user, obj) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)


@scope("countries.country", "view")
def _scope_countries_view(qs, user):
    return qs if _any_role(user) else qs.none()


@scope("countries.country", "change")
def _scope_countries_change(qs, user):
    if _manager(user):
        return qs
    if _is_active(user) and Role.IPSLO in user.roles:
        return get_objects_for_user(
            user, "countries.change_country", qs, accept_global_perms=False, with_superuser=False
        )
    return qs.none()


# --- the questions ---------------------------------------------------------------------------


def can(user, action: str, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    check = _RULES.get(action)
    if check is None:
        return False
    return bool(check(user, obj))


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow ``queryset`` to the rows on which ``user`` may do ``action``."""
    label = queryset.model._meta.label_lower
    narrow = _SCOPES.get((label, action))
    if narrow is None:
        return queryset.none()
    return narrow(queryset, user)


def require(user, action: str, obj: Model | None = None) -> None:
    """Raise PermissionDenied when ``user`` may not do ``action``.

    An object the user may not even see is a 404, so that its existence is not revealed.
    """
    if can(user, action, obj):
        return
    if obj is not None:
        view_action = _view_action_for(obj)
        if view_action and not can(user, view_action, obj):
            raise Http404
    raise PermissionDenied


def _view_action_for(obj: Model) -> str | None:
    meta = obj._meta
    action = f"{meta.app_label}.view_{meta.model_name}"
    return action if action in _RULES else None


def registered_actions() -> list[str]:
    return sorted(_RULES)
