"""Conditional GET: ETag and Last-Modified, and 304 Not Modified, decided before any body is built."""

from __future__ import annotations

from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

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
