"""The one DRF permission class: it asks :mod:`ips.permissions`, exactly as the HTML views do.

A view names the action of the permission module for each of its DRF actions in
``permission_actions`` (``{"retrieve": "assessments.view_assessment", "transition":
"assessments.move_{name}"}``; ``{name}`` is filled from the URL). Unnamed DRF actions fall back to
the HTTP method: safe methods ask ``<app>.view_<model>``, POST ``add``, PUT/PATCH ``change`` and
DELETE ``delete``, for the model of the view's queryset.

``no_object_actions`` names the DRF actions asked with no object (``create``), and a view with
``object_level = False`` asks every action with no object. ``collection_action`` (optional) is
asked with no object before any work is done, e.g. ``assessments.view_determination`` for the
determinations list. Object checks follow
:func:`ips.permissions.require`: an object the user may not even see is a 404, any other refusal a 403.
API client accounts are read-only: every unsafe method is a 403.
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ips import permissions

METHOD_VERBS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                "PATCH": "change", "DELETE": "delete"}

def required_action(request, view) -> str:
    """The action of :mod:`ips.permissions` that this request needs."""
    named = getattr(view, "permission_actions", {}).get(getattr(view, "action", None))
    if named:
        return named.format(**view.kwargs)
    model = view.get_queryset().model
    verb = METHOD_VERBS.get(request.method, "change")
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


def view_action_for(obj) -> str:
    meta = obj._meta
    return f"{meta.app_label}.view_{meta.model_name}"


class IPSPermission(BasePermission):
    """Map the request's method or DRF action to an action of the permission module and ask it.

    A refusal carries the permission module's reason code (``role_required``, ``separation_of_duties``,
    ...), the same the HTML pages show.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method not in SAFE_METHODS and getattr(user, "is_api_client", False):
            _refuse(permissions.deny(permissions.Reason.READ_ONLY_CLIENT))
        collection = getattr(view, "collection_action", None)
        if collection:
            _refuse(permissions.refusal(user, collection))
        if not getattr(view, "object_level", True) or getattr(view, "action", None) in getattr(
            view, "no_object_actions", ()
        ):
            _refuse(permissions.refusal(user, required_action(request, view)))
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        user = request.user
        action = required_action(request, view)
        denial = permissions.refusal(user, action, obj)
        if denial is None:
            return True
        view_action = view_action_for(obj)
        if view_action == action or not permissions.can(user, view_action, obj):
            raise NotFound()
        _refuse(denial)
        return False


def _refuse(denial: permissions.Denial | None) -> None:
    if denial is not None:
        raise PermissionDenied(denial.message, code=denial.code)
