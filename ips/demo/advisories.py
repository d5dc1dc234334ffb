"""Demonstration Port Security Advisories, written through the advisories services.

Two published revisions: an earlier one, now superseded, and the one in force, re-released once
with an administrative correction to section A. The one in force lists the demo's countries found
not substantially implementing (through the proposals their approved determinations raised) and
two countries carried from before the program kept its records here, with their excepted port
facilities (real IMO numbers printed in past advisories). A listing proposal stays open, a
separate-consideration request is under review, and an accepted one is excepted in the advisory in
force. Dates count back from the day the demo is built; a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from advisories import services
from advisories.choices import CostBorneBy, ProposalKind, ProposalState, Recommendation, Section
from advisories.models import ListingProposal, PortSecurityAdvisory, SeparateConsiderationRequest
from countries.choices import ComplianceStatus
from countries.models import Country, PortFacility

if TYPE_CHECKING:
    from ips.demo.builder import DemoContext

TITLE = "Conditions of entry for vessels arriving from ports without effective anti-terrorism measures"

SECTION_A = (
    "The Maritime Transportation Security Act of 2002 requires the Coast Guard to evaluate the anti-terrorism "
    "measures maintained in foreign ports and allows it to impose conditions of entry on vessels arriving from "
    "countries that do not maintain effective measures (46 U.S.C. 70108-70110).\n\n"
    "{change} Paragraphs C and D apply to vessels that called in a country listed in paragraph B, as one of their "
    "last five port calls, and that arrive in the United States on or after {effective:%d %B %Y}."
)
SECTION_B = (
    "The Coast Guard has found that the ports of the following countries do not maintain effective anti-terrorism "
    "measures. The port facilities listed under a country are excepted."
)
SECTION_C = (
    "While in a port of a country listed in paragraph B, a vessel must, as a condition of entry to a U.S. port:\n"
    "1. carry out the measures of its ship security plan for Security Level 2;\n"
    "2. post guards at each access point so that together they watch the whole outside of the ship, from the land "
    "and the water. The guards may be members of the crew (adding crew where needed to respect hours of work and "
    "rest) or security staff from ashore approved by the master and the Company Security Officer;\n"
    "3. try to complete a Declaration of Security with the port facility;\n"
    "4. enter every security measure taken in the ship's security records; and\n"
    "5. tell the Coast Guard Captain of the Port of the measures taken before arriving in the United States."
)
SECTION_D = (
    "On arrival in the United States, such a vessel will be boarded or examined by the Coast Guard to confirm that "
    "it took the measures in paragraph C. A vessel that did not may be delayed or refused entry. Depending on what "
    "the boarding finds, the vessel may be required to post armed private security guards at each access point, "
    "together watching the whole outside of the ship, for as long as it stays in U.S. ports, in numbers and places "
    "the Captain of the Port accepts. This is normally waived for a vessel with a good security record that can "
    "document the measures of paragraph C."
)
SECTION_E = (
    "Questions about this advisory go to the International Port Security Evaluation Division. The countries and "
    "excepted facilities are also published as a JSON document and an Atom feed of changes."
)

# Countries listed since before the program's records (no determination here), and the facilities
# excepted there, as printed in past advisories.
CARRIED = {
    "CM": [("Ebome Marine Terminal", "CM394-0001"), ("Kome-Kribi 1", "CM234-0001")],
    "GQ": [("Punta Europa Terminal", "GQ368-0001"), ("K-5 Oil Center", "")],
}
ACCEPTED_FACILITY = "NGLOS-0003"  # excepted in the advisory in force through an accepted request
REVIEWED_FACILITY = "JMKIN-0001"  # its request waits for PSA-1's decision


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF (for the demo's uploads)."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _at(ctx: DemoContext, days: int) -> dt.datetime:
    day = ctx.today + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _request(ctx: DemoContext, facility: PortFacility, *, received: int) -> SeparateConsiderationRequest:
    return services.separate_consideration_receive(
        facility=facility, by=ctx.users["lant51"], received_on=ctx.today + dt.timedelta(days=received),
        plan=SimpleUploadedFile("augmented-security-plan.pdf", _pdf(f"Augmented security plan {facility.imo_number}")),
        report=SimpleUploadedFile("verification-report.pdf", _pdf(f"RSO verification report {facility.imo_number}")),
        rso_name="Harbour Assurance Ltd (recognized security organization)",
        rso_qualifications="Two lead auditors with ISPS Code port facility security officer and auditor "
                           "certificates and more than ten years of port security audits each.",
        rso_independence="The organization has no commercial relationship with the facility or its operator and "
                         "was not involved in writing the plan.",
        cost_borne_by=CostBorneBy.FACILITY,
    )


def _draft(ctx: DemoContext, *, effective: dt.date, change: str) -> PortSecurityAdvisory:
    psa1 = ctx.users["psa1"]
    draft = services.advisory_draft_start(by=psa1)
    return services.advisory_draft_update(advisory=draft, by=psa1, data={
        "title": TITLE, "effective_date": effective,
        "section_a": SECTION_A.format(change=change, effective=effective), "section_b": SECTION_B,
        "section_c": SECTION_C, "section_d": SECTION_D, "section_e": SECTION_E,
    })


def _accept(ctx: DemoContext, iso2: str) -> bool:
    proposal = ListingProposal.objects.filter(country__iso2=iso2, kind=ProposalKind.LIST,
                                              state=ProposalState.OPEN).first()
    if proposal is None:
        return False
    services.listing_proposal_decide(proposal=proposal, by=ctx.users["psa1"], accept=True,
                                     note="Accepted for the next revision.")
    return True


def seed_advisories(ctx: DemoContext) -> None:
    if PortSecurityAdvisory.objects.exists():
        return
    psa1, lant51 = ctx.users["psa1"], ctx.users["lant51"]
    not_implementing = list(
        Country.objects.filter(compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY).order_by("determination_date")
    )
    # The oldest finding goes into the earlier advisory, the next ones into the one in force, the newest
    # stays an open proposal.
    first, later, still_open = not_implementing[:1], not_implementing[1:-1], not_implementing[-1:]
    carried = {c.iso2: c for c in Country.objects.filter(iso2__in=CARRIED)}

    # The earlier advisory: the countries carried from before, and the oldest demo finding.
    for country in first:
        _accept(ctx, country.iso2)
    names = ", ".join(c.name for c in first) or "no new country"
    earlier = _draft(ctx, effective=ctx.today - dt.timedelta(days=690),
                     change=f"This advisory adds {names} to the countries listed.")
    for iso2, facilities in CARRIED.items():
        if iso2 in carried:
            services.advisory_listing_add(advisory=earlier, by=psa1, country=carried[iso2])
            for name, number in facilities:
                services.advisory_exemption_add(advisory=earlier, by=psa1, country=carried[iso2], imo_number=number,
                                                name=name)
    services.advisory_draft_update(advisory=earlier, by=psa1, data={"federal_register_citation": "89 FR 10412"})
    earlier = services.advisory_publish(advisory=earlier, by=psa1, published_at=_at(ctx, -700))
    ctx.created["port security advisories"] += 1

    # An accepted separate-consideration request, to be excepted in the next revision.
    accepted = PortFacility.objects.filter(imo_number=ACCEPTED_FACILITY).first()
    if accepted is not None:
        request = _request(ctx, accepted, received=-320)
        services.separate_consideration_review(
            request=request, by=lant51, recommendation=Recommendation.ACCEPT,
            notes="The augmented plan covers access control, waterside patrols and cargo supervision; the RSO's "
                  "verification visit confirmed the measures in place.",
        )
        services.separate_consideration_decide(
            request=request, by=psa1, accept=True,
            reasons="The plan and its independent verification show effective measures at the jetty.",
        )
        ctx.created["separate-consideration requests"] += 1

    # The advisory in force: the later demo findings and the accepted exemption.
    for country in later:
        _accept(ctx, country.iso2)
    names = ", ".join(c.name for c in later) or "no new country"
    current = _draft(ctx, effective=ctx.today - dt.timedelta(days=190),
                     change=f"This advisory adds {names} to the countries listed and excepts a facility that "
                            "was considered separately.")
    services.advisory_draft_update(advisory=current, by=psa1, data={"federal_register_citation": "90 FR 21877"})
    current = services.advisory_publish(advisory=current, by=psa1, published_at=_at(ctx, -200))
    services.advisory_correct(
        advisory=current, by=psa1, section=Section.A,
        text=f"{current.section_a}\n\nThis advisory cancels and replaces {earlier.label}.",
        effective_date=ctx.today - dt.timedelta(days=150), released_at=_at(ctx, -150),
        note=f"Section A now states that this advisory replaces {earlier.label}; Sections B through E are unchanged.",
    )
    ctx.created["port security advisories"] += 1

    # Left for the user: the newest finding's listing proposal stays open, and a request is under review.
    reviewed = PortFacility.objects.filter(imo_number=REVIEWED_FACILITY).first()
    if reviewed is not None and still_open:
        request = _request(ctx, reviewed, received=-30)
        services.separate_consideration_review(
            request=request, by=lant51, recommendation=Recommendation.REFUSE,
            notes="The RSO that verified the plan also wrote it; its independence is not shown. Recommend refusing "
                  "until an independent organization verifies the plan.",
        )
        ctx.created["separate-consideration requests"] += 1
