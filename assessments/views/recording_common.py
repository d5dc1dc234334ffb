"""Helpers shared by the recording pages."""

from __future__ import annotations


def wants_partial(request) -> bool:
    """An htmx request that swaps part of the page (a boosted link still wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def template_for(request, full: str, partial: str) -> str:
    """The partial template for an htmx swap, the full page otherwise."""
    return partial if wants_partial(request) else full
