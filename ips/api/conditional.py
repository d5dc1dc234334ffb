"""Conditional requests. Reads: ETag and Last-Modified, and 304 Not Modified, decided before any body
is built. Writes of versioned records: If-Match, 428 without it, 412 when the record changed since."""

from __future__ import annotations

from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from ips import concurrency

CACHE_CONTROL = "private, no-cache"


def _tags(header: str) -> set[str]:
    tags = set()
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.add(tag)
    return tags


def is_not_modified(request, *, etag: str, last_modified) -> bool:
    """True when the client's copy is current. If-None-Match, when sent, decides alone (RFC 9110 13.2.2)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tags = _tags(if_none_match)
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since and last_modified is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(last_modified.timestamp()) <= since
    return False


def set_validators(response, *, etag: str, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Accept, Authorization, Cookie"
    return response


def not_modified_response(*, etag: str, last_modified):
    return set_validators(HttpResponseNotModified(), etag=etag, last_modified=last_modified)


# --- writes: If-Match on versioned records (ips.concurrency) ---------------------------------


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "if_match_required"
    default_detail = (
        "Send If-Match with the ETag of the record as you read it (GET it first), or If-Match: * to "
        "overwrite whatever is saved now."
    )


def if_match_version(request, instance) -> int | None:
    """The version of ``instance`` the client's ``If-Match`` names, for the service to check again under lock.

    No If-Match: 428. ``*``: None (no check, the client overwrites knowingly). A tag that is not the
    current one: :class:`~ips.concurrency.ConcurrentEditError`, answered 412 with the current ETag.
    Tags are compared without their weakness flag: the ETag is weak (see :func:`ips.concurrency.etag`)
    and a proxy may weaken a tag anyway.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = _tags(header)
    if "*" in tags:
        return None
    current = concurrency.version_of(instance)
    if f'"{current}"' in tags:
        return current
    raise concurrency.ConcurrentEditError(instance)


class VersionedUpdateMixin:
    """For a viewset over a versioned record: GET of one record answers its ``ETag``; PATCH (through
    ``update_serializer_class`` and :meth:`perform_versioned_update`, which calls the service) needs
    ``If-Match`` and answers the record as saved, with its new ``ETag``."""

    update_serializer_class = None

    def _answer(self, instance, status: int = 200) -> Response:
        response = Response(self.get_serializer(instance).data, status=status)
        response["ETag"] = concurrency.etag(instance)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        expected = if_match_version(request, instance)
        body = self.update_serializer_class(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        self.perform_versioned_update(instance, body.validated_data, expected)
        return self._answer(self.get_object())

    def perform_versioned_update(self, instance, data: dict, expected_version: int | None) -> None:
        raise NotImplementedError
