"""Public pages (/public/...): no login, no staff navigation, nothing FOR OFFICIAL USE ONLY.

They read only through the ``public_*`` selectors, which name every field they select.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from advisories import constants, selectors
from advisories.feeds import build_feed


def _public(request, template: str, context: dict, status: int = 200):
    response = render(request, f"advisories/public/{template}", context, status=status)
    response["Cache-Control"] = f"public, max-age={constants.PUBLIC_MAX_AGE_SECONDS}"
    return response


@require_safe
def index(request):
    """The advisory in force, and the earlier ones."""
    return _public(request, "advisory.html", {
        "advisory": selectors.public_advisory_in_force(),
        "index": selectors.public_advisory_index(),
        "is_current_page": True,
    })


@require_safe
def advisory(request, number: str):
    found = selectors.public_advisory(number=number)
    if found is None:
        raise Http404("No such advisory.")
    return _public(request, "advisory.html", {
        "advisory": found, "index": selectors.public_advisory_index(), "is_current_page": False,
    })


def _document() -> tuple[bytes, str]:
    """The JSON document and its ETag, cached until the next publication or correction."""
    cached = cache.get(constants.PUBLIC_JSON_CACHE_KEY)
    if cached is not None:
        return cached
    body = json.dumps(selectors.public_document(), cls=DjangoJSONEncoder, indent=2, sort_keys=True).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    cache.set(constants.PUBLIC_JSON_CACHE_KEY, (body, etag), constants.PUBLIC_JSON_CACHE_SECONDS)
    return body, etag


def _matches(header: str, etag: str) -> bool:
    candidates = [part.strip() for part in header.split(",") if part.strip()]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


@require_safe
def document(request):
    body, etag = _document()
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={constants.PUBLIC_MAX_AGE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def feed(request):
    atom = build_feed(base_url=f"{request.scheme}://{request.get_host()}")
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    response["Cache-Control"] = f"public, max-age={constants.PUBLIC_MAX_AGE_SECONDS}"
    return response


app_name = "advisories_public"

urlpatterns = [
    path("advisories/", index, name="index"),
    path("advisories.json", document, name="json"),
    path("advisories/feed.atom", feed, name="feed"),
    path("advisories/<str:number>/", advisory, name="advisory"),
]
