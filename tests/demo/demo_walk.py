"""Walk the demo as each of its users, against the database the environment points at.

Run as ``python -m tests.demo.demo_walk`` with the demo's environment (``DATABASE_URL`` of a database
built by ``migrate``, ``load_reference_data`` and ``seed_demo``; ``DEMO_PASSWORD``). Each user signs in
through the sign-in pages (PSA-1 and LANT-51 with the code of the demo's authenticator app, read from
``manage.py demo_code``), then opens:

- every main page of the role (the list the browser suite walks, ``tests/browser/test_main_pages.py``),
  with the records it needs taken from the demo, and the role's 403 page;
- every same-site link on the role's home page (the dashboards link every number to the list behind it);
- every tab of one case in each workflow state the demo holds.

An answer of 500 or more, or an exception in a view, is a failure; so is a main page (or, for PSA-1 and
LANT-51, who see every case, a case tab) answering otherwise than the page list expects. Every page is
requested even after a failure; the script then prints them all and exits with status 1.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from advisories.choices import AdvisoryStatus  # noqa: E402
from advisories.models import PortSecurityAdvisory, SeparateConsiderationRequest  # noqa: E402
from assessments.choices import AssessmentState  # noqa: E402
from assessments.models import Assessment, CredibleReport, Determination, Engagement  # noqa: E402
from correspondence.models import Letter  # noqa: E402
from tests.browser.test_main_pages import FORBIDDEN, IPSLO, LANT51, PAGES, PSA1, VIEWER, World  # noqa: E402

# The demo user who plays each role of the page list.
DEMO_USERS = {PSA1: "psa1", LANT51: "lant51", IPSLO: "ipslo.acteur", VIEWER: "viewer"}
CASE_TABS = ("detail", "team", "facilities", "checklist", "findings", "report", "history")
SEES_EVERY_CASE = frozenset({PSA1, LANT51})
TOTP_STEP_SECONDS = 30
HREF = re.compile(r"""href="(/[^"#]*)""")
# Links of a home page that are not pages of the application to read.
NOT_WALKED = re.compile(r"^/(static/|media/|admin/|accounts/logout/)")


@dataclass
class Walk:
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def get(self, client: Client, url: str, label: str, expected: int | None = None) -> str:
        """Request ``url``; record a failure for an exception, a 5xx, or an answer other than ``expected``."""
        self.requests += 1
        try:
            response = client.get(url)
        except Exception as error:  # a view that raised: the server would have answered 500
            self.failures.append(f"{label}: {url} raised {error!r}{where(error)}")
            return ""
        if response.status_code >= 500 or (expected is not None and response.status_code != expected):
            self.failures.append(f"{label}: {url} answered HTTP {response.status_code}, expected {expected or '< 500'}")
        content_type = response.get("Content-Type", "")
        return response.content.decode(errors="replace") if content_type.startswith("text/html") else ""


def where(error: Exception) -> str:
    """The project's innermost frames of an exception's traceback."""
    own = [frame for frame in traceback.extract_tb(error.__traceback__)
           if frame.filename.startswith(str(settings.BASE_DIR)) and "site-packages" not in frame.filename]
    return "".join(f"\n    at {frame.filename}:{frame.lineno} in {frame.name}" for frame in own[-2:])


def sign_in(username: str) -> Client:
    """A client signed in through the sign-in pages, as a person would (the code from ``demo_code``)."""
    client = Client(SERVER_NAME="localhost")
    response = client.post(reverse("login"), {"username": username, "password": os.environ["DEMO_PASSWORD"]})
    if response.status_code != 302:
        raise SystemExit(f"{username}: the sign-in page answered HTTP {response.status_code}, not a redirect")
    if response.url.startswith(reverse("accounts:verify")):
        verify = response.url
        for attempt in range(2):
            output = io.StringIO()
            call_command("demo_code", stdout=output)
            code = output.getvalue().split()[0]
            response = client.post(verify, {"otp_token": code})
            if response.status_code == 302 and not response.url.startswith(reverse("accounts:verify")):
                break
            if attempt == 0:  # each code is accepted once: this one was used, the next one comes within 30 s
                time.sleep(TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS + 1)
        else:
            raise SystemExit(f"{username}: the demo code {code} was not accepted (HTTP {response.status_code})")
    home = client.get(reverse("home"))
    if home.status_code != 200 or home.wsgi_request.user.get_username() != username:
        raise SystemExit(f"{username}: not signed in after both sign-in pages (home answered {home.status_code})")
    return client


def of_demo_ipslo() -> Q:
    """Records of a country the demo IPSLO covers now."""
    return Q(country__assignments__ipslo__username=DEMO_USERS[IPSLO], country__assignments__end_date__isnull=True)


def first(queryset, what: str):
    found = queryset.order_by("pk").first()
    if found is None:
        raise SystemExit(f"The demo holds no {what}.")
    return found


def demo_world() -> tuple[World, set[str]]:
    """The demo's records for the page list (the demo IPSLO's where the page needs the IPSLO's), and the
    pages whose record the demo lacks, given another record: they are only required not to fail."""
    lenient = set()
    of_ipslo = of_demo_ipslo()
    in_force = first(PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE), "advisory in force")
    draft = PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).order_by("pk").first()
    report = CredibleReport.objects.filter(of_ipslo).order_by("pk").first()
    engagement = Engagement.objects.filter(of_ipslo).order_by("pk").first()
    for page, record in (("advisory-draft", draft), ("credible-report", report), ("engagement", engagement)):
        if record is None:
            lenient.add(page)
    case = first(Assessment.objects.filter(of_ipslo), "case of the demo IPSLO")
    world = World(
        iso3=case.country.iso3,
        case=case.pk,
        determination=first(Determination.objects.filter(of_ipslo), "determination of the demo IPSLO").pk,
        credible_report=(report or first(CredibleReport.objects.all(), "credible report")).pk,
        engagement=(engagement or first(Engagement.objects.all(), "engagement")).pk,
        letter=first(Letter.objects.filter(of_ipslo, determination__isnull=False), "determination letter").pk,
        advisory=in_force.pk,
        draft=(draft or in_force).pk,
        request=first(SeparateConsiderationRequest.objects.all(), "separate-consideration request").pk,
    )
    return world, lenient


def cases_by_state() -> dict[str, Assessment]:
    """One case in each workflow state the demo holds, one of the demo IPSLO's countries where possible."""
    chosen: dict[str, Assessment] = {}
    mine = set(Assessment.objects.filter(of_demo_ipslo()).values_list("pk", flat=True))
    for case in Assessment.objects.order_by("pk"):
        if case.state not in chosen or (case.pk in mine and chosen[case.state].pk not in mine):
            chosen[case.state] = case
    return chosen


def main() -> int:
    started = time.monotonic()
    world, lenient = demo_world()
    cases = cases_by_state()
    walk = Walk()
    for role, username in DEMO_USERS.items():
        client = sign_in(username)
        home = ""
        for spec in PAGES:
            url = spec.url(world) if role in spec.roles else None
            if url is None:
                continue
            expected = None if spec.name in lenient else spec.status
            body = walk.get(client, url, f"{username} {spec.name}", expected)
            if spec.name == "home":
                home = body
        walk.get(client, FORBIDDEN[role](world), f"{username} forbidden page", 403)
        for link in sorted(set(HREF.findall(home))):
            link = link.replace("&amp;", "&")
            if not NOT_WALKED.match(link):
                walk.get(client, link, f"{username} home link")
        for state, case in sorted(cases.items()):
            for tab in CASE_TABS:
                expected = 200 if role in SEES_EVERY_CASE else None
                walk.get(client, reverse(f"assessments:{tab}", args=[case.pk]), f"{username} {state} case {tab}",
                         expected)
    missing = sorted(set(AssessmentState.values) - set(cases))
    print(f"Demo walk on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}: {walk.requests} requests by "
          f"{len(DEMO_USERS)} users, cases in {len(cases)} states ({', '.join(sorted(cases))}), "
          f"{time.monotonic() - started:.0f} s.")
    if missing:
        print(f"States the demo holds no case in: {', '.join(missing)}.")
    if walk.failures:
        print(f"{len(walk.failures)} failures:")
        print("\n".join(walk.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
