"""The Atom feed of changes to the Port Security Advisory, for ship operators and agents to watch.

Entry identifiers are tag URIs built from the advisory's number and the release number
("tag:uscg-ips,2024:psa/1-24/release/2"), so an entry keeps its identifier for ever. The feed's own
"updated" time is that of its newest entry, never the time of the request.

Every text in the feed is plain text (Atom type="text"): a correction note or a title that contains
markup reaches a feed reader as the characters typed, never as HTML it would render.
"""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from advisories import constants, selectors

FEED_TITLE = "Port Security Advisory: changes"
FEED_ID = f"tag:{constants.TAG_AUTHORITY},2024:psa/feed"
# Characters XML 1.0 cannot carry (a vertical tab pasted from a word processor, for one).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain(text: str) -> str:
    """``text`` without the control characters XML 1.0 forbids (they would make the feed unreadable)."""
    return _NOT_XML.sub("", text)


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text (Django's Atom1Feed marks them type="html")."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def build_feed(*, base_url: str) -> Atom1Feed:
    """``base_url``: scheme and host, e.g. "https://ips.example.gov" (links must be absolute)."""
    entries = selectors.public_feed_entries()
    feed = PlainTextAtom1Feed(
        title=FEED_TITLE,
        link=base_url + reverse("advisories_public:index"),
        description="Publications and re-releases of the U.S. Coast Guard's Port Security Advisory.",
        feed_url=base_url + reverse("advisories_public:feed"),
        feed_guid=FEED_ID,
        author_name=constants.PUBLISHER,
        language="en",
    )
    for entry in entries:
        feed.add_item(
            title=_plain(entry.title),
            link=base_url + reverse("advisories_public:advisory", kwargs={"number": entry.link_number}),
            description=_plain(entry.summary),
            unique_id=entry.entry_id,
            unique_id_is_permalink=False,
            updateddate=entry.updated,
            pubdate=entry.updated,
        )
    return feed

