"""Demonstration country assessments, written through the assessments services.

The cases cover every state of the lifecycle and approved determinations of every outcome (with
the bases of "not substantially implementing": a visit, a credible report, denial of access),
spread over the three nodes. Every date is counted from the day the demo is built, so the demo
looks alive: closed assessments over the last three years (some countries due soon, some
overdue), an on-site visit this week, planned visits a few months ahead.

Each record is made by the person who would make it: the country's IPSLO plans the case and
records the findings, the team leader writes the report, LANT-51 recommends and PSA-1 decides.

A demo case is known again by its country and its objective; a case already there is left as it
is (whatever happened to it since), so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from assessments import services
from assessments.choices import (
    AssessmentState,
    Basis,
    ChecklistScope,
    EngagementKind,
    FindingMethod,
    FindingStatus,
    ItineraryKind,
    Outcome,
    Rating,
    Severity,
    VisitFacilityStatus,
)
from assessments.constants import REASSESSMENT_INTERVAL_YEARS
from assessments.models import Assessment, ChecklistItem, CredibleReport, Finding
from assessments.services.checklists import checklist_load_reference
from countries.choices import AssignmentKind, FacilityType
from countries.models import Country, PortFacility, PortfolioAssignment
from ips.audit import acting_as
from ips.demo import data

if TYPE_CHECKING:
    from ips.demo.builder import DemoContext
    from ips.models import User

S = AssessmentState
SEV = Severity
FS = FindingStatus

# --- What a demo case looks like --------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A team member without an account (interagency staff, assessors from the program staff)."""

    name: str
    agency: str
    position: str


@dataclass(frozen=True)
class FindingPlan:
    key: str
    """A key of :data:`FINDINGS`."""
    severity: Severity
    at: str | None = None
    """The facility (``<LOCODE>-<n>``, as numbered in ``data.py``); ``None`` for a country-level finding."""
    day: int = 1
    """For a country-level finding: the visit day (0 = first) it was raised and shared."""
    resolved_on_site: bool = False
    final: FindingStatus = FS.OPEN
    """Where the finding stands after the determination (in mitigation, closed, or still open)."""


@dataclass(frozen=True)
class DeterminationPlan:
    outcome: Outcome
    rationale: str
    effective: int
    """Effective date, in days from today."""
    basis: str = ""
    approve: bool = True
    comment: str = ""
    returned: tuple[Outcome, str, str] | None = None
    """A first recommendation PSA-1 returned: (outcome, rationale, PSA-1's comment)."""


@dataclass(frozen=True)
class EngagementPlan:
    kind: EngagementKind
    title: str
    start: int
    days: int
    participants: tuple[str, ...]
    summary: str
    findings: tuple[str, ...] = ()
    """Keys of the case's findings the engagement addresses."""
    closes: tuple[str, ...] = ()
    """Keys of findings the host closed after the engagement."""


@dataclass(frozen=True)
class CasePlan:
    iso2: str
    objective: str
    reach: AssessmentState
    """The furthest state on the main path the case is carried to."""
    start: int
    """The first day of the visit, in days from today (negative: in the past)."""
    days: int = 5
    leader: str = ""
    """Username of the team leader; empty: the case's IPSLO leads."""
    colleagues: tuple[str, ...] = ()
    """Other demo users on the team."""
    members: tuple[Member, ...] = ()
    facilities: tuple[str, ...] = ()
    """Facilities agreed with the host (and visited, once the visit is under way)."""
    dropped: tuple[tuple[str, str], ...] = ()
    """Facilities proposed, then dropped: (facility, reason)."""
    proposed: tuple[str, ...] = ()
    """Facilities proposed and still awaiting the host's approval."""
    notice_lead: int | None = 120
    letter_lead: int = 75
    questionnaire_lead: int | None = 50
    findings: tuple[FindingPlan, ...] = ()
    view: str = "sound"
    """Tone of the report: "sound", "gaps" or "serious"."""
    report: str = "full"
    """For a case in report drafting: "full" or "partial" (a draft still being written)."""
    determination: DeterminationPlan | None = None
    then: str = ""
    """A move after the main path: "postpone", "cancel", "deny_access" or "return_report"."""
    then_comment: str = ""
    engagements: tuple[EngagementPlan, ...] = ()


@dataclass(frozen=True)
class CredibleReportPlan:
    iso2: str
    source_agency: str
    report_date: int
    summary: str
    determination: DeterminationPlan


@dataclass(frozen=True)
class FindingText:
    item: str | None
    """The checklist item it rests on (facility items for facility findings, government items otherwise)."""
    reference: str
    title: str
    description: str
    method: FindingMethod
    rationale: str
    recommendation: str


# --- Content ----------------------------------------------------------------------------------

M = FindingMethod

FINDINGS: dict[str, FindingText] = {
    # At a port facility (ISPS Code Part A 14.2 and the facility's plan).
    "gate_id": FindingText(
        "14.2.2", "ISPS Code A/14.2.2", "Truck drivers admitted without photo identification",
        "At the main truck gate of {facility}, guards compared drivers' names with a printed appointment list "
        "but did not ask for photo identification. Of six trucks the team watched enter, four drivers showed "
        "no identity document.",
        M.OBSERVATION,
        "Without positive identification the facility cannot keep unauthorized persons out, which its plan and "
        "the Code require at security level 1.",
        "Check every driver's photo identification against the appointment system, log each check, and have the "
        "PFSO audit the gate log weekly.",
    ),
    "visitor_escort": FindingText(
        "14.2.2", "ISPS Code A/14.2.2", "Visitors not escorted beyond the gate",
        "At {facility}, visitor passes were issued on a name given at the counter and visitors walked "
        "unescorted to the berths. The visitor log did not record the host or the time of departure.",
        M.OBSERVATION,
        "The plan requires visitors to be escorted in the ISPS zone; unescorted visitors defeat the access "
        "control the facility relies on.",
        "Issue visitor passes only against identification and a named host, escort visitors in the ISPS zone, "
        "and record the time each pass is returned.",
    ),
    "fence": FindingText(
        "14.2.3", "ISPS Code A/14.2.3", "Gaps in the perimeter fence along the waterside",
        "About 40 metres of the perimeter fence at {facility} had collapsed behind the tank farm. The gap was "
        "not covered by cameras, and the patrol log showed no rounds of that section for the previous week.",
        M.OBSERVATION,
        "An unguarded gap in the perimeter lets people reach the berths without passing the access points.",
        "Repair the fence, cover the section with a camera or a patrol until then, and add perimeter checks to "
        "the patrol schedule.",
    ),
    "cctv": FindingText(
        "14.2.3", "ISPS Code A/14.2.3", "Camera images of the berths not watched at night",
        "The control room of {facility} shows 24 camera feeds covering the berths and the perimeter, but no one "
        "is assigned to watch them on the night shift, and recordings are kept for only 48 hours.",
        M.INTERVIEW,
        "Monitoring the facility, including its berthing areas, is a facility duty; unwatched cameras detect "
        "nothing in time to respond.",
        "Staff the control room on every shift, and keep recordings for at least 30 days as the plan states.",
    ),
    "waterside": FindingText(
        "14.2.3", "ISPS Code A/14.2.3", "Waterside approaches and anchorage not monitored",
        "{facility} relies on the port authority for waterside security, but neither the PFSO nor the port "
        "authority could show a patrol schedule or a written agreement covering the berths and the anchorage.",
        M.INTERVIEW,
        "Monitoring of anchoring and berthing areas must be assigned to someone and carried out; here it falls "
        "between the facility and the port authority.",
        "Agree in writing who patrols the waterside and the anchorage, how often, and how incidents are "
        "reported to the PFSO.",
    ),
    "restricted": FindingText(
        "14.2.4", "ISPS Code A/14.2.4", "Restricted areas not marked or controlled",
        "The plan of {facility} designates the control room and the loading manifold as restricted areas, but "
        "neither was signposted, the control room door was propped open, and contractors walked through the "
        "manifold area without passes.",
        M.OBSERVATION,
        "Restricted areas must be monitored so that only authorized persons enter them.",
        "Mark the restricted areas, fit self-closing doors with card readers, and brief contractors on the "
        "restricted areas before they start work.",
    ),
    "cargo_seals": FindingText(
        "14.2.5", "ISPS Code A/14.2.5", "Container seal discrepancies not recorded",
        "Gate staff at {facility} check container seal numbers against the booking, but a mismatch is "
        "corrected by hand on the gate slip and not reported to the PFSO. The team found three corrected slips "
        "in one day's records.",
        M.DOCUMENT_REVIEW,
        "Supervising the handling of cargo includes acting on signs of tampering; unrecorded seal mismatches "
        "cannot be followed up.",
        "Treat every seal mismatch as a security incident: hold the container, inform the PFSO and customs, and "
        "keep a record.",
    ),
    "cargo_hazmat": FindingText(
        "14.2.5", "ISPS Code A/14.2.5", "Dangerous cargo handled without security supervision",
        "LPG cylinders and drummed chemicals were staged on the open quay at {facility} while a vessel loaded. "
        "No security guard was posted, and the staging area was open to general traffic.",
        M.OBSERVATION,
        "Dangerous cargo is among the cargo whose handling security personnel must supervise.",
        "Stage dangerous cargo in a fenced, guarded area, and post a guard for the whole of the loading "
        "operation.",
    ),
    "stores": FindingText(
        "14.2.6", "ISPS Code A/14.2.6", "Ship's stores delivered without inspection",
        "Provision trucks at {facility} drove alongside the ship after a glance at the delivery note. The stores "
        "were not inspected, and the vendor was not on a list of approved suppliers.",
        M.OBSERVATION,
        "Supervising the handling of ship's stores is a facility duty; uninspected deliveries can carry "
        "weapons or other dangerous items aboard.",
        "Book stores deliveries in advance, check the vendor against an approved list, and inspect deliveries "
        "at the gate or under escort.",
    ),
    "comms": FindingText(
        "14.2.7", "ISPS Code A/14.2.7", "No back-up means of security communication",
        "The PFSO of {facility} relies on a single mobile phone to receive security level changes. The "
        "facility's VHF set was out of order, and no duty list names who receives messages when the PFSO is "
        "away.",
        M.INTERVIEW,
        "Security communication must be readily available; one phone is a single point of failure.",
        "Repair the VHF set, name a deputy PFSO on every shift, and test the communication links monthly.",
    ),
    "drills": FindingText(
        None, "ISPS Code A/18.3; B/18.5", "Security drills not held every three months",
        "The drill records of {facility} show one drill in the past twelve months. The plan and the Code's "
        "guidance call for a drill at least every three months.",
        M.DOCUMENT_REVIEW,
        "Drills test the plan and train staff; without them, weaknesses go unnoticed.",
        "Hold a drill at least every three months, vary the scenarios, and record lessons learned.",
    ),
    "plan_update": FindingText(
        None, "ISPS Code A/15.4", "Security assessment not updated after the terminal extension",
        "{facility} opened a new berth eighteen months ago, but its security assessment and plan still describe "
        "the old layout, and the new berth has no access point or patrol route in the plan.",
        M.DOCUMENT_REVIEW,
        "The assessment must be reviewed and updated when major changes to the facility take place.",
        "Review the assessment, amend the plan to cover the new berth, and submit both to the designated "
        "authority for approval.",
    ),
    # The contracting government (NVIC 02-05 Appendix (A) and the 2024 focus areas).
    "pfsa_review": FindingText(
        "1.e", "ISPS Code A/15.4", "Port facility security assessments overdue for review",
        "Of the port facility security assessments the designated authority showed the team, more than a third "
        "were over five years old and had not been reviewed, although national regulations require a review "
        "every five years.",
        M.DOCUMENT_REVIEW,
        "Assessments that are not reviewed no longer reflect the threats or the facilities as they are, and "
        "the plans built on them fall behind.",
        "Set a schedule to review every overdue assessment within twelve months, starting with the facilities "
        "serving the United States.",
    ),
    "rso_review": FindingText(
        "1.f", "ISPS Code A/4.3; A/15.2.1", "Assessments by security organizations accepted without review",
        "Recognized security organizations prepared most port facility security assessments. The authority "
        "files them but could not show that it reviews or approves them, and keeps no record of the "
        "organizations' staff qualifications.",
        M.INTERVIEW,
        "An assessment carried out by a recognized security organization must be reviewed and approved by the "
        "contracting government.",
        "Review each assessment prepared by a recognized security organization before approving it, and keep a "
        "record of the organizations and their assessors.",
    ),
    "inspections": FindingText(
        "F.a", "SOLAS XI-2/10; ISPS Code A/16.2", "No program of compliance inspections of port facilities",
        "The designated authority approves plans but carries out no inspections afterwards. Its staff of three "
        "covers {count} port facilities, and no facility the team visited had been inspected since its plan was "
        "approved.",
        M.INTERVIEW,
        "Without inspections the government cannot know whether approved plans are applied; oversight of port "
        "facility security is one of its core roles.",
        "Adopt an annual inspection program with unannounced visits, and track corrective actions until closed.",
    ),
    "pfso_training": FindingText(
        "1.j", "ISPS Code A/18.1; B/18.1", "Port facility security officers not trained to the national standard",
        "The authority has set a training standard for PFSOs, but four of the officers the team met had not "
        "taken the course, and the authority keeps no register of who has.",
        M.INTERVIEW,
        "PFSOs must have the knowledge the Code sets out; untrained officers cannot run the plan.",
        "Train every PFSO and deputy to the national standard within six months, and keep a register of their "
        "qualifications.",
    ),
    "security_levels": FindingText(
        "7.a", "SOLAS XI-2/3; ISPS Code A/4.1", "Changes of security level reach port facilities late",
        "In a tabletop exercise held during the visit, a change to security level 2 took almost six hours to "
        "reach every port facility; two facilities learned of it from a ship's agent.",
        M.INTERVIEW,
        "The government sets security levels and must make sure port facilities receive them in time to act.",
        "Send security level changes from one duty desk to every PFSO by two means, and ask for confirmation of "
        "receipt within one hour.",
    ),
    "port_list": FindingText(
        "1.d", "SOLAS XI-2/13.1", "Port facility list communicated to the IMO out of date",
        "The list of port facilities the government has communicated to the IMO still shows two facilities that "
        "closed and omits a new container terminal.",
        M.DOCUMENT_REVIEW,
        "Ships and other governments rely on the list to know which facilities operate under approved plans.",
        "Update the port facility list in the IMO's information system and check it whenever a plan is approved "
        "or withdrawn.",
    ),
    "cyber": FindingText(
        "F.d", "ISPS Code B/15.3; MSC-FAL.1/Circ.3", "No cybersecurity requirements for port facility systems",
        "National guidance does not ask port facilities to assess or protect the computer systems that run "
        "access control, cameras and cargo release. Several facilities share one password for their access "
        "control system and allow remote access to vendors without restriction.",
        M.INTERVIEW,
        "Security assessments must cover computer systems and networks; basic cyber hygiene is a 2024 focus "
        "area of the program.",
        "Add cyber risk to the assessment and plan requirements, require individual accounts and restricted "
        "remote access, and check them during inspections.",
    ),
    "crew_verification": FindingText(
        "2.f", "ISPS Code A/14.2.2", "Seafarers' identity not checked at the facility gates",
        "Seafarers going ashore or returning passed the gates of the facilities visited on their uniform or a "
        "ship's pass; guards did not compare them with the crew list.",
        M.OBSERVATION,
        "Verifying crew members is part of the access control the government requires; a ship's pass alone "
        "does not establish identity.",
        "Require the agent to send crew lists to the gate, and check each seafarer's identity document against "
        "them.",
    ),
    "noncompliant_ships": FindingText(
        "2.b", "SOLAS XI-2/9.2", "No written procedure for ships arriving without a valid certificate",
        "The authority relies on the port state control officer's judgment when a ship cannot show a valid "
        "International Ship Security Certificate; no written procedure sets out what to do.",
        M.INTERVIEW,
        "Control measures for ships not in compliance must be applied consistently before the ship enters port.",
        "Write a procedure for ships arriving without a valid certificate, including a Declaration of Security "
        "and additional measures at the facility.",
    ),
}

FACILITY_NOTES = {
    "14.2.1": "PFSO on duty and the approved plan at hand; security duties assigned by shift on a written roster.",
    "14.2.2": "Vehicle and pedestrian gates staffed; identity checked against the access list and each entry logged.",
    "14.2.3": "Perimeter fence intact; cameras watched from the control room around the clock; berths patrolled.",
    "14.2.4": "Restricted areas marked and locked, entry by card reader; the PFSO holds the list of card holders.",
    "14.2.5": "Cargo documents checked at the gate; seals verified and mismatches reported to the PFSO.",
    "14.2.6": "Stores deliveries booked in advance, inspected at the gate and escorted to the ship.",
    "14.2.7": "Radio, telephone and e-mail links to the port authority tested; security level posted at the gate.",
}

GOVERNMENT_NOTES = {
    "1.a": "Contracting government to SOLAS; the ISPS Code has been in force since 2004.",
    "1.b": "National maritime security regulations give the Code the force of law; copy and translation provided.",
    "1.c": "The designated authority is named in the regulations and may inspect, order corrections and fine.",
    "1.d": "The authority keeps a register of port facilities that must comply, reviewed every year.",
    "1.e": "Assessments are carried out or approved by the authority and reviewed at least every five years.",
    "1.f": "Recognized security organizations are authorized in writing; the authority reviews their work.",
    "1.g": "Every facility serving ships on international voyages must have an approved plan.",
    "1.h": "Plans must set out measures against weapons and dangerous substances; screening checked on approval.",
    "1.i": "Plans must include procedures for threats and breaches; incidents reported to the authority.",
    "1.j": "PFSOs follow a national course; the authority keeps a register of qualified officers.",
    "1.k": "Drills every three months and one exercise a year are required; records checked at inspections.",
    "2.a": "Pre-arrival security information is required 24 hours ahead through the port community system.",
    "2.b": "Ships without valid certificates are referred to the authority before berthing.",
    "2.c": "Facilities must control landside access at designated access points only.",
    "2.d": "Passenger terminals must screen passengers and baggage before embarkation.",
    "2.e": "Passengers are checked against the manifest and their travel documents at embarkation.",
    "2.f": "Crew lists are sent to the facility in advance; seafarers' identity checked at the gate.",
    "3.a": "Facilities at greater risk designated by the authority after the national risk assessment.",
    "3.b": "Anchorages near facilities at greater risk are designated and patrolled.",
    "3.c": "Traffic separation near the gas terminals was adjusted after the last risk review.",
    "4.a": "Plans must identify restricted areas; checked when plans are approved.",
    "4.b": "Restricted areas must be monitored by cameras, patrols or locked access.",
    "5.a": "Facilities must supervise general cargo handling; described in every plan reviewed.",
    "5.b": "The authority keeps a list of facilities handling LPG, LNG and explosives.",
    "5.c": "Additional measures apply when LPG, LNG or explosives are handled, including guards at the berth.",
    "5.d": "High-value and dangerous goods are named as cargo whose handling must be supervised.",
    "6.a": "Vendors must be registered with the facility and announced in advance.",
    "6.b": "Vendors are escorted or tracked inside the ISPS zone.",
    "7.a": "Security levels are sent by the authority's duty desk to facilities and ships by e-mail and phone.",
    "8.a": "The flag administration issues International Ship Security Certificates after verification.",
    "8.b": "Recognized security organizations approve ship security plans under written agreements.",
    "8.c": "The administration audits the recognized security organizations every year.",
    "F.a": "The authority inspects facilities every year and follows up corrective actions.",
    "F.b": "Access control and monitoring cover the ISPS zone, cargo areas and restricted areas.",
    "F.c": "Cargo and stores screening procedures are set out in the plans and checked on inspection.",
    "F.d": "National guidance asks facilities to protect access control and camera networks.",
}

DAY_MEMBER = Member("LT Grace Romero", "USCG", "Assessor, LANT-51 staff")


def _cbp(name: str, port: str) -> Member:
    return Member(name, "CBP", f"Container Security Initiative team, {port}")


# --- The cases --------------------------------------------------------------------------------

CASES: tuple[CasePlan, ...] = (
    # ACTEUR -------------------------------------------------------------------------------------
    CasePlan(
        "NL",
        "Country assessment of the Netherlands' implementation of the ISPS Code, concentrating on the Rotterdam "
        "and Amsterdam port facilities that handle U.S.-bound containers, crude oil, LNG and passengers.",
        S.CLOSED, start=-425, days=5, leader="ipslo.acteur3",
        members=(_cbp("Ms. Dana Whitfield", "Rotterdam"), DAY_MEMBER),
        facilities=("NLRTM-0001", "NLRTM-0002", "NLRTM-0003", "NLAMS-0001"),
        findings=(
            FindingPlan("cctv", SEV.OBSERVATION, at="NLRTM-0003", final=FS.CLOSED),
            FindingPlan("visitor_escort", SEV.DEFICIENCY, at="NLAMS-0001", resolved_on_site=True),
            FindingPlan("cyber", SEV.OBSERVATION, day=1, final=FS.CLOSED),
        ),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "The facilities visited apply their approved plans, and the designated authority inspects every "
            "facility each year. The two observations do not affect the overall picture; the visitor escort "
            "deficiency was corrected during the visit.",
            effective=-360, comment="Approved. Send the confirmation letter through the embassy.",
        ),
    ),
    CasePlan(
        "ES",
        "Country assessment of Spain's implementation of the ISPS Code at the Algeciras and Valencia "
        "transshipment terminals serving U.S. trade.",
        S.CLOSED, start=-610, days=4, leader="ipslo.acteur3",
        members=(_cbp("Mr. Luis Ortega", "Algeciras"),),
        facilities=("ESALG-0001", "ESALG-0003", "ESVLC-0001"),
        findings=(
            FindingPlan("stores", SEV.OBSERVATION, at="ESALG-0003", final=FS.CLOSED),
            FindingPlan("drills", SEV.OBSERVATION, at="ESVLC-0001", final=FS.CLOSED),
        ),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Effective oversight by the Directorate General of the Merchant Marine and well-run facilities; two "
            "observations only.",
            effective=-550,
        ),
    ),
    CasePlan(
        "AE",
        "Country assessment of the United Arab Emirates' implementation of the ISPS Code at Jebel Ali.",
        S.CLOSED, start=-1185, days=4, leader="ipslo.acteur3",
        members=(_cbp("Mr. Omar Haddad", "Jebel Ali"),),
        facilities=("AEJEA-0001", "AEJEA-0003"),
        findings=(FindingPlan("comms", SEV.OBSERVATION, at="AEJEA-0003", final=FS.CLOSED),),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Strong access control and monitoring at both facilities; communication back-up at the petroleum "
            "jetty to be improved.",
            effective=-1120,
        ),
    ),
    CasePlan(
        "AE",
        "Reassessment of the United Arab Emirates' implementation of the ISPS Code at Jebel Ali, three years "
        "after the last visit.",
        S.NOTIFIED, start=-25, days=4, letter_lead=80,
        then="cancel",
        then_comment="Cancelled on Department of State advice: official travel to the region is suspended. The "
                     "reassessment will be planned again when travel resumes.",
    ),
    CasePlan(
        "BE",
        "Country assessment of Belgium's implementation of the ISPS Code at Antwerp and Zeebrugge, including the "
        "Zeebrugge LNG terminal.",
        S.CLOSED, start=-1000, days=4, leader="ipslo.acteur3",
        members=(_cbp("Ms. Rita Novak", "Antwerp"),),
        facilities=("BEANR-0001", "BEANR-0003", "BEZEE-0001"),
        findings=(
            FindingPlan("restricted", SEV.DEFICIENCY, at="BEZEE-0001", final=FS.CLOSED),
            FindingPlan("pfsa_review", SEV.OBSERVATION, day=1, final=FS.CLOSED),
        ),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Sound legislation and oversight; the restricted-area deficiency at the LNG terminal was being "
            "corrected when the team left and the authority has confirmed the fix.",
            effective=-940,
        ),
    ),
    CasePlan(
        "BE",
        "Reassessment of Belgium's implementation of the ISPS Code, due three years after the last visit; "
        "Antwerp container and chemical terminals and the Zeebrugge ro-ro terminal.",
        S.PLANNED, start=85, days=4, notice_lead=None,
    ),
    CasePlan(
        "DE",
        "Country assessment of Germany's implementation of the ISPS Code at the Hamburg and Bremerhaven "
        "container and vehicle terminals.",
        S.ON_SITE, start=-2, days=5, colleagues=("ipslo.acteur4",),
        members=(_cbp("Mr. Kevin Doyle", "Bremerhaven"),),
        facilities=("DEHAM-0001", "DEBRV-0002", "DEBRV-0001"),
        dropped=(("DEHAM-0003", "No cruise call during the visit week; the terminal was closed."),),
        findings=(
            FindingPlan("gate_id", SEV.DEFICIENCY, at="DEHAM-0001"),
            FindingPlan("stores", SEV.OBSERVATION, at="DEBRV-0002", resolved_on_site=True),
            FindingPlan("security_levels", SEV.OBSERVATION, day=1),
        ),
    ),
    CasePlan(
        "GR",
        "Country assessment of Greece's implementation of the ISPS Code at Piraeus: container, passenger and "
        "fuel terminals.",
        S.UNDER_REVIEW, start=-40, days=4, leader="ipslo.acteur3",
        members=(_cbp("Ms. Helen Marsh", "Piraeus"),),
        facilities=("GRPIR-0001", "GRPIR-0002", "GRPIR-0003"),
        findings=(
            FindingPlan("cargo_seals", SEV.DEFICIENCY, at="GRPIR-0001"),
            FindingPlan("fence", SEV.DEFICIENCY, at="GRPIR-0003"),
            FindingPlan("pfso_training", SEV.OBSERVATION, day=1),
        ),
        view="gaps",
    ),
    CasePlan(
        "EG",
        "Country assessment of Egypt's implementation of the ISPS Code at Alexandria, El Dekheila and Port Said.",
        S.AWAITING_DETERMINATION, start=-70, days=5, colleagues=("ipslo.acteur2",),
        members=(_cbp("Mr. Samir Aziz", "Alexandria"), DAY_MEMBER),
        facilities=("EGALY-0001", "EGALY-0002", "EGPSD-0001"),
        findings=(
            FindingPlan("gate_id", SEV.DEFICIENCY, at="EGALY-0001"),
            FindingPlan("waterside", SEV.DEFICIENCY, at="EGPSD-0001"),
            FindingPlan("inspections", SEV.DEFICIENCY, day=1),
            FindingPlan("cyber", SEV.OBSERVATION, day=2),
        ),
        view="gaps",
        determination=DeterminationPlan(
            Outcome.MINIMALLY,
            "Plans are approved and officers trained, but access control at the container terminal and "
            "waterside monitoring at Port Said fall short, and the authority does not inspect facilities after "
            "approving their plans. Recommend minimally implementing, with the report's recommendations sent "
            "through the embassy.",
            effective=8, approve=False,
        ),
    ),
    CasePlan(
        "NG",
        "Country assessment of Nigeria's implementation of the ISPS Code at Lagos (Apapa, Atlas Cove) and Tin "
        "Can Island.",
        S.CLOSED, start=-975, days=5, leader="ipslo.acteur3",
        members=(DAY_MEMBER, Member("Mr. Paul Okonkwo", "Department of State", "Regional security office")),
        facilities=("NGLOS-0001", "NGLOS-0003", "NGTIN-0001"),
        findings=(
            FindingPlan("gate_id", SEV.SIGNIFICANT, at="NGLOS-0001", final=FS.IN_MITIGATION),
            FindingPlan("waterside", SEV.SIGNIFICANT, at="NGLOS-0003", final=FS.IN_MITIGATION),
            FindingPlan("pfsa_review", SEV.DEFICIENCY, day=1),
            FindingPlan("pfso_training", SEV.DEFICIENCY, day=1, final=FS.CLOSED),
            FindingPlan("comms", SEV.OBSERVATION, at="NGTIN-0001", resolved_on_site=True),
        ),
        view="serious",
        determination=DeterminationPlan(
            Outcome.NOT_SUBSTANTIALLY,
            "The visit found the Code not substantially implemented: access control at the largest container "
            "terminal and waterside monitoring at the crude oil jetty do not work, assessments are years "
            "overdue for review and most PFSOs are untrained. Recommend not substantially implementing, basis "
            "(b), with a 90-day mitigation period.",
            effective=-920, basis=Basis.B,
            comment="Approved. Notify through the embassy, start the mitigation period and offer training.",
        ),
        engagements=(
            EngagementPlan(
                EngagementKind.CAPACITY_BUILDING, "Port facility security officer course, Lagos", start=-800,
                days=5,
                participants=("Coast Guard International Training Division (two instructors)",
                              "Nigerian Maritime Administration and Safety Agency (ISPS Implementation Office)",
                              "22 PFSOs and deputies from Lagos, Tin Can Island and Onne"),
                summary="Five-day course on the PFSO's duties, risk assessment and drills, paid by the "
                        "Department of State's Antiterrorism Assistance program. Every participant passed the "
                        "final test; the authority added the course to its national training standard.",
                findings=("pfso_training", "pfsa_review"), closes=("pfso_training",),
            ),
        ),
    ),
    CasePlan(
        "NG",
        "Reassessment of Nigeria's implementation of the ISPS Code, re-verifying the open findings of the last "
        "visit (access control at Apapa, waterside monitoring at Atlas Cove, assessment reviews).",
        S.NOTIFIED, start=72, days=5, notice_lead=112, letter_lead=75,
    ),
    CasePlan(
        "ZA",
        "Country assessment of South Africa's implementation of the ISPS Code at Durban and Cape Town.",
        S.REPORT_DRAFTING, start=-21, days=5, leader="ipslo.acteur2",
        members=(_cbp("Ms. Janet Cole", "Durban"),),
        facilities=("ZADUR-0001", "ZADUR-0003", "ZACPT-0001"),
        dropped=(("ZADUR-0002", "Berth under repair; the host offered the Island View terminal instead."),),
        findings=(
            FindingPlan("restricted", SEV.DEFICIENCY, at="ZADUR-0003"),
            FindingPlan("cctv", SEV.OBSERVATION, at="ZACPT-0001"),
            FindingPlan("noncompliant_ships", SEV.OBSERVATION, day=1),
        ),
        report="partial",
    ),
    # FEACT --------------------------------------------------------------------------------------
    CasePlan(
        "SG",
        "Country assessment of Singapore's implementation of the ISPS Code at Pasir Panjang, Tuas and the "
        "Singapore LNG terminal.",
        S.CLOSED, start=-250, days=4, leader="ipslo.feact3",
        members=(_cbp("Mr. Derek Lim", "Singapore"),),
        facilities=("SGSIN-0001", "SGSIN-0002", "SGSIN-0003"),
        findings=(
            FindingPlan("stores", SEV.OBSERVATION, at="SGSIN-0002", final=FS.CLOSED),
            FindingPlan("cyber", SEV.OBSERVATION, day=1, final=FS.CLOSED),
        ),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Exemplary oversight by the Maritime and Port Authority and consistent measures at every facility "
            "visited.",
            effective=-195,
        ),
        engagements=(
            EngagementPlan(
                EngagementKind.LIAISON, "Annual liaison visit, Singapore", start=-30, days=2,
                participants=("IPSLO, FEACT", "Maritime and Port Authority of Singapore, Port Security "
                              "Department", "U.S. Embassy Singapore, Economic Officer"),
                summary="Reviewed the authority's new cyber guidance for port facilities and its drill "
                        "program; agreed dates for a reciprocal visit to U.S. ports next year.",
            ),
        ),
    ),
    CasePlan(
        "CN",
        "Country assessment of China's implementation of the ISPS Code at Shanghai and Yantian.",
        S.CLOSED, start=-1160, days=5, leader="ipslo.feact3",
        members=(_cbp("Ms. Laura Chen", "Shanghai"), DAY_MEMBER),
        facilities=("CNSGH-0001", "CNSGH-0002", "CNYTN-0001"),
        findings=(FindingPlan("visitor_escort", SEV.OBSERVATION, at="CNYTN-0001", final=FS.CLOSED),),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Effective access control and monitoring at the container terminals visited; one observation.",
            effective=-1100,
        ),
    ),
    CasePlan(
        "IN",
        "Country assessment of India's implementation of the ISPS Code at Jawaharlal Nehru Port (Nhava Sheva).",
        S.CLOSED, start=-480, days=5, leader="ipslo.feact3",
        facilities=("INNSA-0001", "INNSA-0002"),
        findings=(
            FindingPlan("restricted", SEV.SIGNIFICANT, at="INNSA-0002", final=FS.IN_MITIGATION),
            FindingPlan("pfsa_review", SEV.DEFICIENCY, day=1, final=FS.IN_MITIGATION),
            FindingPlan("cargo_seals", SEV.OBSERVATION, at="INNSA-0001", final=FS.CLOSED),
        ),
        view="gaps",
        determination=DeterminationPlan(
            Outcome.MINIMALLY,
            "Revised after PSA-1's return. The container terminal meets the Code, but the liquid cargo jetty's "
            "restricted areas are open to contractors and many facility assessments are overdue for review. "
            "These are not isolated: they show oversight that does not reach every facility. Recommend "
            "minimally implementing, with recommendations and a follow-up visit by the IPSLO.",
            effective=-400, comment="Approved as revised.",
            returned=(
                Outcome.SUBSTANTIALLY,
                "Facilities visited have approved plans and trained officers; the issues found are being "
                "corrected by the authority.",
                "Returned. The report records a significant deficiency in restricted-area control at the liquid "
                "cargo jetty and assessments overdue for review. Explain why these do not bear on the overall "
                "finding, or revise the recommendation.",
            ),
        ),
    ),
    CasePlan(
        "PH",
        "Country assessment of the Philippines' implementation of the ISPS Code at the Port of Manila.",
        S.CLOSED, start=-730, days=4, leader="ipslo.feact3",
        facilities=("PHMNL-0001", "PHMNL-0002"),
        findings=(
            FindingPlan("gate_id", SEV.DEFICIENCY, at="PHMNL-0001", final=FS.CLOSED),
            FindingPlan("crew_verification", SEV.DEFICIENCY, day=2, final=FS.IN_MITIGATION),
            FindingPlan("cyber", SEV.DEFICIENCY, day=1, final=FS.IN_MITIGATION),
        ),
        view="gaps",
        determination=DeterminationPlan(
            Outcome.MINIMALLY,
            "Measures exist on paper but are applied unevenly: crew identity is not verified at the gates and "
            "access control systems are exposed to misuse. Recommend minimally implementing.",
            effective=-670,
        ),
        engagements=(
            EngagementPlan(
                EngagementKind.CAPACITY_BUILDING, "Access control and cyber hygiene workshop, Manila", start=-540,
                days=3,
                participants=("IPSLO, FEACT", "Coast Guard Cyber Command (one instructor)",
                              "Office for Transportation Security, Maritime Security Division",
                              "18 PFSOs from Manila, Batangas and Subic Bay"),
                summary="Workshop on verifying seafarers' identity at facility gates and on basic cyber hygiene "
                        "for access control and camera systems. The authority drafted a circular on crew "
                        "verification during the workshop.",
                findings=("crew_verification", "cyber"),
            ),
        ),
    ),
    CasePlan(
        "KR",
        "Country assessment of the Republic of Korea's implementation of the ISPS Code at Busan.",
        S.PREPARING, start=24, days=4, letter_lead=80, questionnaire_lead=52,
        members=(_cbp("Mr. Steven Park", "Busan"),),
        facilities=("KRPUS-0001", "KRPUS-0002"), proposed=("KRPUS-0003",),
    ),
    CasePlan(
        "JP",
        "Country assessment of Japan's implementation of the ISPS Code at Yokohama and Tokyo.",
        S.CONFIRMED, start=50, days=5, notice_lead=130, letter_lead=95,
        members=(_cbp("Ms. Naomi Ford", "Yokohama"),),
    ),
    CasePlan(
        "AU",
        "Country assessment of Australia's implementation of the ISPS Code at Port Botany and the Overseas "
        "Passenger Terminal, Sydney.",
        S.NOTIFIED, start=60, days=5, notice_lead=100, letter_lead=80,
        then="postpone",
        then_comment="The designated authority asked to postpone: a national maritime security exercise is "
                     "scheduled for the proposed week. New dates to be agreed next quarter.",
    ),
    CasePlan(
        "MY",
        "Country assessment of Malaysia's implementation of the ISPS Code at Port Klang.",
        S.CONFIRMED, start=40, days=4, notice_lead=90, letter_lead=78,
        then="deny_access",
        then_comment="The designated authority withdrew its agreement by note verbale and declined access to the "
                     "port facilities, citing a review of foreign visits to port installations. The embassy is "
                     "seeking clarification.",
    ),
    # LANT-512 -----------------------------------------------------------------------------------
    CasePlan(
        "PA",
        "Country assessment of Panama's implementation of the ISPS Code at Manzanillo and Balboa, including the "
        "Balboa fuel terminal and the Rodman cruise terminal.",
        S.CLOSED, start=-190, days=5,
        members=(_cbp("Mr. Carlos Mendez", "Manzanillo"), DAY_MEMBER),
        facilities=("PAMIT-0001", "PABLB-0001", "PABLB-0003", "PABLB-0002"),
        findings=(
            FindingPlan("restricted", SEV.DEFICIENCY, at="PABLB-0003", final=FS.IN_MITIGATION),
            FindingPlan("visitor_escort", SEV.OBSERVATION, at="PABLB-0002", final=FS.CLOSED),
        ),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Strong measures at the container terminals and effective oversight by the maritime authority. The "
            "restricted-area deficiency at the fuel terminal is being corrected under a plan agreed with the "
            "authority.",
            effective=-130,
        ),
        engagements=(
            EngagementPlan(
                EngagementKind.LIAISON, "Liaison visit to the Balboa fuel terminal", start=-40, days=1,
                participants=("IPSLO, LANT-512", "Autoridad Maritima de Panama, Directorate of Ports",
                              "PFSO, Balboa Fuel Terminal"),
                summary="Checked progress on restricted-area control at the manifold: signs and card readers "
                        "are installed; self-closing doors are on order. Follow up at the next liaison visit.",
                findings=("restricted",),
            ),
        ),
    ),
    CasePlan(
        "CO",
        "Country assessment of Colombia's implementation of the ISPS Code at Cartagena: cruise, container and "
        "industrial terminals.",
        S.CLOSED, start=-345, days=4, leader="ipslo.lant512-3",
        members=(_cbp("Ms. Andrea Ruiz", "Cartagena"),),
        facilities=("COCTG-0001", "COCTG-0002", "COCTG-0003"),
        findings=(
            FindingPlan("gate_id", SEV.DEFICIENCY, at="COCTG-0002", final=FS.IN_MITIGATION),
            FindingPlan("cargo_hazmat", SEV.SIGNIFICANT, at="COCTG-0003", final=FS.IN_MITIGATION),
            FindingPlan("inspections", SEV.DEFICIENCY, day=1, final=FS.CLOSED),
            FindingPlan("comms", SEV.OBSERVATION, at="COCTG-0001", resolved_on_site=True),
        ),
        view="gaps",
        determination=DeterminationPlan(
            Outcome.MINIMALLY,
            "Dangerous cargo at the industrial terminal is handled without security supervision and truck "
            "drivers enter the container terminal unidentified. Recommend minimally implementing, with the "
            "report's recommendations and a spot check within a year.",
            effective=-285,
        ),
        engagements=(
            EngagementPlan(
                EngagementKind.ABBREVIATED, "Spot check at Cartagena", start=-60, days=2,
                participants=("IPSLO, LANT-512", "Assessor, LANT-51 staff", "DIMAR Port Facility Security Office"),
                summary="Re-verified the two open deficiencies. The container terminal now checks drivers' "
                        "identity at two of its three gates; the industrial terminal has fenced its dangerous "
                        "cargo area but does not yet post a guard during loading. Both stay in mitigation.",
                findings=("gate_id", "cargo_hazmat"),
            ),
        ),
    ),
    CasePlan(
        "JM",
        "Country assessment of Jamaica's implementation of the ISPS Code at Kingston.",
        S.CLOSED, start=-1250, days=3, leader="ipslo.lant512-3",
        members=(_cbp("Mr. Ian Brooks", "Kingston"),),
        facilities=("JMKIN-0001", "JMKIN-0002"),
        findings=(FindingPlan("drills", SEV.OBSERVATION, at="JMKIN-0002", final=FS.CLOSED),),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Both facilities apply their plans; the maritime authority oversees them effectively.",
            effective=-1190,
        ),
    ),
    CasePlan(
        "JM",
        "Reassessment of Jamaica's implementation of the ISPS Code at Kingston, three years after the last "
        "visit.",
        S.NOTIFIED, start=-330, days=3, notice_lead=110, letter_lead=75,
        then="deny_access",
        then_comment="The designated authority answered the visit request letter by declining the visit and has "
                     "not proposed other dates.",
        determination=DeterminationPlan(
            Outcome.NOT_SUBSTANTIALLY,
            "The host declined the reassessment visit and offered no alternative. The Coast Guard cannot "
            "ascertain whether effective anti-terrorism measures are maintained. Recommend not substantially "
            "implementing, basis (d).",
            effective=-300, basis=Basis.D,
            comment="Approved. Notify through the embassy and renew the offer of a visit.",
        ),
    ),
    CasePlan(
        "DO",
        "Country assessment of the Dominican Republic's implementation of the ISPS Code at Caucedo.",
        S.CLOSED, start=-880, days=4, leader="ipslo.lant512-3",
        members=(_cbp("Ms. Paula Reyes", "Caucedo"),),
        facilities=("DOCAU-0001", "DOCAU-0002"),
        findings=(FindingPlan("comms", SEV.OBSERVATION, at="DOCAU-0002", final=FS.CLOSED),),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "Effective measures at the container and LNG terminals; one observation on communications.",
            effective=-820,
        ),
    ),
    CasePlan(
        "BS",
        "Country assessment of the Bahamas' implementation of the ISPS Code at Freeport, Grand Bahama.",
        S.CLOSED, start=-1065, days=3, leader="ipslo.lant512-3",
        members=(_cbp("Mr. Dwayne Carter", "Freeport"),),
        facilities=("BSFPO-0001", "BSFPO-0002"),
        findings=(FindingPlan("visitor_escort", SEV.OBSERVATION, at="BSFPO-0002", final=FS.CLOSED),),
        determination=DeterminationPlan(
            Outcome.SUBSTANTIALLY,
            "The container port and the cruise terminal apply their plans; oversight by the Port Department is "
            "effective.",
            effective=-1000,
        ),
    ),
    CasePlan(
        "CL",
        "Country assessment of Chile's implementation of the ISPS Code at San Antonio.",
        S.CONFIRMED, start=45, days=4, notice_lead=125, letter_lead=82, leader="ipslo.lant512-3",
        members=(DAY_MEMBER,),
    ),
    CasePlan(
        "MX",
        "Country assessment of Mexico's implementation of the ISPS Code at Manzanillo and Veracruz, including the "
        "Manzanillo LNG terminal.",
        S.PLANNED, start=165, days=5, notice_lead=168,
    ),
    CasePlan(
        "BR",
        "Country assessment of Brazil's implementation of the ISPS Code at Santos.",
        S.UNDER_REVIEW, start=-45, days=5,
        members=(_cbp("Mr. Mark Silva", "Santos"), DAY_MEMBER),
        facilities=("BRSSZ-0001", "BRSSZ-0002", "BRSSZ-0003"),
        findings=(
            FindingPlan("fence", SEV.DEFICIENCY, at="BRSSZ-0002"),
            FindingPlan("rso_review", SEV.DEFICIENCY, day=1),
            FindingPlan("port_list", SEV.OBSERVATION, day=1),
        ),
        view="gaps",
        then="return_report",
        then_comment="Returned: section 2 does not say how CONPORTOS reviews the assessments prepared by "
                     "recognized security organizations, which finding 2 rests on. Add what the team saw and "
                     "the documents reviewed.",
    ),
)

CREDIBLE_REPORTS: tuple[CredibleReportPlan, ...] = (
    CredibleReportPlan(
        "DO",
        "U.S. Customs and Border Protection, Office of Field Operations",
        report_date=-150,
        summary="After two incidents of unauthorized persons found aboard U.S.-bound vessels loaded at Caucedo, a "
                "CBP review found that the container terminal's access control system had been out of service "
                "for four months, that visitors reached the quay unescorted, and that the designated authority "
                "had suspended port facility inspections during a reorganization.",
        determination=DeterminationPlan(
            Outcome.NOT_SUBSTANTIALLY,
            "CBP's review is a credible report by another U.S. agency of substantial security concerns at the "
            "country's main port serving the United States. Until a visit verifies corrective action, the "
            "measures cannot be regarded as effective. Recommend not substantially implementing, basis (c).",
            effective=-120, basis=Basis.C,
            comment="Approved. Start the 90-day mitigation period and plan an abbreviated assessment once the "
                    "access control system is restored.",
        ),
    ),
    CredibleReportPlan(
        "BS",
        "U.S. Department of State, U.S. Embassy Nassau (Economic Section)",
        report_date=-35,
        summary="The embassy reports that the Port Department has not answered the Coast Guard's three written "
                "requests since January for its updated list of approved port facility security plans and its "
                "designated authority contacts, and that the IMO Global Integrated Shipping Information System "
                "shows no ISPS update from the Bahamas since the last assessment.",
        determination=DeterminationPlan(
            Outcome.NOT_SUBSTANTIALLY,
            "The Bahamas has not communicated the ISPS information the Coast Guard and the IMO need to judge "
            "its measures, despite repeated requests through the embassy. Recommend not substantially "
            "implementing, basis (a), until the information is received and reviewed.",
            effective=-10, basis=Basis.A, approve=False,
        ),
    ),
)


# --- Building ---------------------------------------------------------------------------------


def _demo_error(message: str) -> Exception:
    from ips.demo.builder import DemoDataError

    return DemoDataError(message)


def _facility_codes() -> dict[str, tuple[str, str]]:
    """``<LOCODE>-<n>`` of every demo facility -> (port LOCODE, facility name), as numbered in ``data.py``."""
    codes = {}
    for country in data.COUNTRIES:
        for port in country.ports:
            for n, facility in enumerate(port.facilities, start=1):
                codes[f"{port.locode}-{n:04d}"] = (port.locode, facility.name)
    return codes


def _portfolio_ipslos(iso2s: set[str]) -> dict[str, User]:
    current = PortfolioAssignment.objects.filter(
        country__iso2__in=iso2s, end_date__isnull=True, kind=AssignmentKind.PRIMARY
    ).select_related("ipslo", "country")
    return {a.country.iso2: a.ipslo for a in current}


def seed_checklist(ctx: DemoContext) -> None:
    """The first checklist version, if the reference data did not load it."""
    with acting_as(ctx.actor):
        _, created = checklist_load_reference()
    if created:
        ctx.created["checklist versions"] += 1


def seed_assessments(ctx: DemoContext) -> None:
    """Country assessments in every state, each carried along the workflow by the people who act on it."""
    iso2s = {plan.iso2 for plan in CASES}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=iso2s)}
    existing = set(Assessment.objects.filter(country__iso2__in=iso2s).values_list("country__iso2", "objective"))
    todo = [plan for plan in CASES if (plan.iso2, plan.objective) not in existing]
    if not todo:
        return
    ipslos = _portfolio_ipslos(iso2s)
    codes = _facility_codes()
    for plan in todo:
        country = countries.get(plan.iso2)
        if country is None:
            raise _demo_error(f"The country {plan.iso2} is not loaded; run `manage.py load_reference_data`.")
        if Assessment.objects.open().filter(country=country).exists():
            # The country has an open case made in the app (or an earlier demo case moved on): leave it be.
            if ctx.verbosity >= 2 and ctx.stdout is not None:
                ctx.stdout.write(f"  Skipped a demo case of {country}: it already has an open case.\n")
            continue
        ipslo = ipslos.get(plan.iso2)
        if ipslo is None:
            raise _demo_error(f"{country} has no IPSLO; the portfolios step must run first.")
        _CaseBuilder(ctx, plan, country, ipslo, codes).build()


def seed_credible_reports(ctx: DemoContext) -> None:
    """Credible reports by other agencies, and the determinations that rest on them."""
    lant51, psa1 = ctx.users["lant51"], ctx.users["psa1"]
    for plan in CREDIBLE_REPORTS:
        country = Country.objects.filter(iso2=plan.iso2).first()
        if country is None:
            raise _demo_error(f"The country {plan.iso2} is not loaded; run `manage.py load_reference_data`.")
        if CredibleReport.objects.filter(country=country, source_agency=plan.source_agency).exists():
            continue
        report = services.credible_report_record(
            country=country, by=lant51, source_agency=plan.source_agency,
            report_date=ctx.today + dt.timedelta(days=plan.report_date), summary=plan.summary,
        )
        ctx.created["credible reports"] += 1
        decision = plan.determination
        determination = services.determination_recommend(
            credible_report=report, by=lant51, outcome=decision.outcome, basis=decision.basis,
            rationale=decision.rationale, effective_date=ctx.today + dt.timedelta(days=decision.effective),
        )
        ctx.created["determinations"] += 1
        if decision.approve:
            services.determination_approve(determination=determination, by=psa1, comment=decision.comment)


MAIN_PATH = (
    S.PLANNED, S.NOTIFIED, S.CONFIRMED, S.PREPARING, S.ON_SITE, S.REPORT_DRAFTING, S.UNDER_REVIEW,
    S.AWAITING_DETERMINATION, S.CLOSED,
)
MORNING, AFTERNOON = dt.time(9, 0), dt.time(14, 0)
NO_STORES_TYPES = {FacilityType.GAS, FacilityType.LIQUID_BULK, FacilityType.DRY_BULK}
DANGEROUS_CARGO_ITEMS = {"5.b", "5.c"}
PASSENGER_ITEMS = {"2.d", "2.e"}
RATING_FOR = {SEV.OBSERVATION: Rating.MEETS, SEV.DEFICIENCY: Rating.PARTIALLY, SEV.SIGNIFICANT: Rating.DOES_NOT_MEET}


class _CaseBuilder:
    """Carries one demo case from planning to where its plan says it stands."""

    def __init__(self, ctx: DemoContext, plan: CasePlan, country: Country, ipslo: User,
                 codes: dict[str, tuple[str, str]]):
        self.ctx, self.plan, self.country, self.ipslo, self.codes = ctx, plan, country, ipslo, codes
        self.lant51, self.psa1 = ctx.users["lant51"], ctx.users["psa1"]
        self.leader = ctx.users.get(plan.leader, ipslo) if plan.leader else ipslo
        self.today = ctx.today
        self.start = self.today + dt.timedelta(days=plan.start)
        self.end = self.start + dt.timedelta(days=plan.days - 1)
        self.letter_on = self.start - dt.timedelta(days=plan.letter_lead)
        self.case: Assessment | None = None
        self.determination = None
        self.visits = {}  # facility code -> VisitFacility
        self.findings: dict[str, Finding] = {}
        self.items: dict[str, ChecklistItem] = {}

    # Helpers ---------------------------------------------------------------------------------

    def _day(self, n: int) -> dt.date:
        return self.start + dt.timedelta(days=n)

    def _past(self, day: dt.date | None) -> dt.date | None:
        """A date of something already done: never later than today."""
        return day if day is not None and day <= self.today else None

    def _facility(self, code: str) -> PortFacility:
        if code not in self.codes:
            raise _demo_error(f"The demo has no port facility {code}.")
        locode, name = self.codes[code]
        facility = PortFacility.objects.select_related("port").filter(port__locode=locode, name=name).first()
        if facility is None:
            raise _demo_error(f"The port facility {name} at {locode} is missing; the ports step must run first.")
        return facility

    def _slot(self, index: int) -> tuple[dt.date, dt.time]:
        """When the ``index``-th agreed facility is visited: day 1 afternoon, then two a day."""
        day = min(1 + (index + 1) // 2, self.plan.days - 1)
        return self._day(max(day, 0)), AFTERNOON if index % 2 == 0 else MORNING

    def _visited(self, index: int) -> bool:
        day, time = self._slot(index)
        return day < self.today or (day == self.today and time == MORNING)

    def _move(self, name: str, by, comment: str = "") -> None:
        services.assessment_transition(assessment=self.case, name=name, by=by, comment=comment)

    # The path --------------------------------------------------------------------------------

    def build(self) -> Assessment:
        plan = self.plan
        self.case = services.assessment_create(
            country=self.country, by=self.ipslo, objective=plan.objective, proposed_start=self.start,
            proposed_end=self.end,
        )
        self.ctx.created["country assessments"] += 1
        carried = self.case.findings.count()
        if carried:
            self.ctx.created["findings"] += carried
        self.items = {
            f"{item.section.scope}:{item.code}": item
            for item in ChecklistItem.objects.filter(section__template=self.case.checklist_template)
            .select_related("section").order_by("section__position", "position")
        }
        steps = (self._plan, self._notify, self._confirm, self._prepare, self._visit, self._finish, self._submit,
                 self._recommend, self._decide)
        for step in steps[: MAIN_PATH.index(plan.reach) + 1]:
            step()
        if plan.then == "deny_access":
            self._move("deny_access", self.ipslo, plan.then_comment)
            if plan.determination:
                self._recommend()
                self._decide()
        elif plan.then == "postpone":
            self._move("postpone", self.ipslo, plan.then_comment)
        elif plan.then == "cancel":
            self._move("cancel", self.lant51, plan.then_comment)
        elif plan.then == "return_report":
            self._move("return_report", self.lant51, plan.then_comment)
            services.report_save_draft(assessment=self.case, by=self.leader, sections=self._report(revised=True))
        self.case.refresh_from_db()
        if self.ctx.verbosity >= 2 and self.ctx.stdout is not None:
            self.ctx.stdout.write(f"  {self.case}: {self.case.get_state_display()}\n")
        return self.case

    def _plan(self) -> None:
        lead = self.plan.notice_lead
        if self.plan.reach == S.PLANNED and lead is not None:
            notice = self._past(self.start - dt.timedelta(days=lead))
            if notice:
                services.assessment_update_plan(
                    assessment=self.case, by=self.ipslo, data={"informal_notice_on": notice}
                )

    def _notify(self) -> None:
        notice = self.start - dt.timedelta(days=self.plan.notice_lead or 120)
        services.assessment_update_plan(assessment=self.case, by=self.ipslo, data={
            "informal_notice_on": notice, "visit_request_sent_on": self.letter_on,
        })
        self._move("notify", self.ipslo, f"Informal notice given to the {self.country.designated_authority}; "
                                         f"visit request letter sent through the {self.country.embassy_post}.")

    def _confirm(self) -> None:
        confirmed = min(self.letter_on + dt.timedelta(days=18), self.today)
        services.assessment_update_plan(assessment=self.case, by=self.ipslo, data={"host_confirmed_on": confirmed})
        self._move("confirm", self.ipslo, "Host agreement received by diplomatic note.")
        services.team_member_add(
            assessment=self.case, by=self.ipslo, user=self.leader, position="Team leader", is_leader=True
        )
        if self.leader != self.ipslo:
            services.team_member_add(
                assessment=self.case, by=self.ipslo, user=self.ipslo, position="Assessor (country IPSLO)"
            )
        for username in self.plan.colleagues:
            colleague = self.ctx.users[username]
            if colleague not in (self.leader, self.ipslo):
                services.team_member_add(assessment=self.case, by=self.ipslo, user=colleague, position="Assessor")
        for member in self.plan.members:
            services.team_member_add(
                assessment=self.case, by=self.ipslo, name=member.name, agency=member.agency, position=member.position
            )

    def _prepare(self) -> None:
        lead = self.plan.questionnaire_lead
        questionnaire = self._past(self.start - dt.timedelta(days=lead)) if lead is not None else None
        services.assessment_update_plan(assessment=self.case, by=self.ipslo, data={
            "visit_start": self.start, "visit_end": self.end, "questionnaire_received_on": questionnaire,
        })
        self._move("prepare", self.ipslo, "Visit dates confirmed; questionnaire and self-assessments requested.")
        agreed = [*self.plan.facilities, *(code for code, _ in self.plan.dropped)]
        for index, code in enumerate([*agreed, *self.plan.proposed]):
            visit = services.visit_facility_add(assessment=self.case, facility=self._facility(code), by=self.ipslo)
            self.visits[code] = visit
            if code in agreed:
                received = self.start - dt.timedelta(days=24 if index % 2 == 0 else 12)
                services.visit_facility_update(visit_facility=visit, by=self.ipslo, data={
                    "status": VisitFacilityStatus.APPROVED, "self_assessment_received_on": self._past(received),
                })
        self._itinerary()

    def _itinerary(self) -> None:
        country = self.country
        office = country.designated_authority_address or str(country)
        entries = [
            (ItineraryKind.EMBASSY_MEETING, self._day(0), MORNING, country.embassy_post, None,
             "Arrival brief with the Economic Officer and the regional security office."),
            (ItineraryKind.OPENING_MEETING, self._day(0), AFTERNOON, office, None,
             "Opening meeting, jointly chaired; agenda and facility list confirmed."),
            (ItineraryKind.INTERVIEW, self._day(1), MORNING, office, None,
             "Legislation, oversight, recognized security organizations, training and drills."),
        ]
        for index, code in enumerate(self.plan.facilities):
            day, time = self._slot(index)
            facility = self.visits[code].facility
            entries.append((ItineraryKind.FACILITY_VISIT, day, time, facility.port.name, facility,
                            "Meeting with the PFSO, document review, walk of the perimeter, gates and berths."))
        if self.plan.days >= 4:
            entries.append((ItineraryKind.AGENCY_VISIT, self._day(self.plan.days - 2), dt.time(11, 30),
                            "Port police and customs maritime unit", None,
                            "Waterside patrols and cargo screening arrangements."))
        entries.append((ItineraryKind.OUT_BRIEF, self.end, dt.time(15, 0), office, None,
                        "Out-brief with the embassy and the designated authority; preliminary findings handed "
                        "over."))
        for kind, day, time, location, facility, notes in entries:
            services.itinerary_item_save(assessment=self.case, by=self.ipslo, data={
                "kind": kind, "day": day, "start_time": time, "location": location[:200], "facility": facility,
                "notes": notes,
            })

    def _visit(self) -> None:
        self._move("start_visit", self.ipslo, "Team arrived; opening meeting held.")
        plan = self.plan
        on_site_only = plan.reach == S.ON_SITE
        for code, reason in plan.dropped:
            services.visit_facility_update(visit_facility=self.visits[code], by=self.ipslo, data={
                "status": VisitFacilityStatus.DROPPED, "notes": reason,
            })
        findings_at = {f.at: f for f in plan.findings if f.at}
        for index, code in enumerate(plan.facilities):
            if not self._visited(index):
                continue
            day, _ = self._slot(index)
            visit = services.visit_facility_update(visit_facility=self.visits[code], by=self.leader, data={
                "status": VisitFacilityStatus.VISITED, "visited_on": day,
            })
            self.visits[code] = visit
            finding = findings_at.get(code)
            if finding is not None:
                self._raise(finding, day, visit.facility)
            self._answer_facility(visit, finding)
        sections = {"1", "2"} if on_site_only else None
        for finding in plan.findings:
            if finding.at is None and self._day(finding.day) <= self.today:
                self._raise(finding, self._day(finding.day), None)
        self._answer_government(sections)

    def _raise(self, plan: FindingPlan, day: dt.date, facility: PortFacility | None) -> None:
        text = FINDINGS[plan.key]
        count = PortFacility.objects.filter(port__country=self.country).count()
        item = None
        if text.item:
            scope = ChecklistScope.FACILITY if facility else ChecklistScope.GOVERNMENT
            item = self.items.get(f"{scope}:{text.item}")
        description = text.description.format(facility=facility.name if facility else "", count=max(count * 4, 12))
        finding = services.finding_create(assessment=self.case, by=self.ipslo, data={
            "facility": facility, "checklist_item": item, "reference": text.reference, "title": text.title,
            "description": description,
            "method": text.method, "rationale": text.rationale, "severity": plan.severity,
            "recommendation": text.recommendation, "shared_with_host_on": day,
        })
        self.findings[plan.key] = finding
        self.ctx.created["findings"] += 1
        if facility is not None and plan.severity != SEV.OBSERVATION:
            services.evidence_add(
                finding=finding, by=self.ipslo, upload=_site_photo(facility, text.title, day),
                caption=f"Photograph taken by the team at {facility.name} on {day:%d %B %Y}.",
            )
            self.ctx.created["evidence files"] += 1
        if plan.resolved_on_site:
            self.findings[plan.key] = services.finding_set_status(
                finding=finding, by=self.ipslo, status=FS.RESOLVED_DURING_VISIT,
                comment="Corrected before the team left: the PFSO issued new instructions and the team saw them "
                        "applied.",
            )

    def _answer_facility(self, visit, finding: FindingPlan | None) -> None:
        facility = visit.facility
        for key, item in self.items.items():
            if not key.startswith(f"{ChecklistScope.FACILITY}:"):
                continue
            rating, notes = Rating.MEETS, FACILITY_NOTES.get(item.code, "")
            if finding is not None and FINDINGS[finding.key].item == item.code:
                number = self.findings[finding.key].number
                rating = RATING_FOR[finding.severity]
                notes = f"See finding {number}: {FINDINGS[finding.key].title.lower()}."
            elif item.code == "14.2.6" and facility.facility_type in NO_STORES_TYPES:
                rating, notes = Rating.NOT_OBSERVED, "No stores delivery during the visit; procedure read in the plan."
            services.checklist_answer(
                assessment=self.case, item=item, by=self.leader, rating=rating, notes=notes, visit_facility=visit
            )
            self.ctx.created["checklist answers"] += 1

    def _answer_government(self, sections: set[str] | None) -> None:
        facilities = PortFacility.objects.filter(port__country=self.country)
        has_passengers = facilities.filter(facility_type=FacilityType.PASSENGER).exists()
        has_dangerous = facilities.filter(handles_lpg=True).exists() or facilities.filter(
            handles_lng=True).exists() or facilities.filter(handles_explosives=True).exists()
        country_findings = {FINDINGS[f.key].item: f for f in self.plan.findings if f.at is None and f.key in
                            self.findings}
        for key, item in self.items.items():
            if not key.startswith(f"{ChecklistScope.GOVERNMENT}:"):
                continue
            if sections is not None and item.section.code not in sections:
                continue
            rating, notes = Rating.MEETS, GOVERNMENT_NOTES.get(item.code, "")
            finding = country_findings.get(item.code)
            if finding is not None:
                rating = RATING_FOR[finding.severity]
                notes = f"See finding {self.findings[finding.key].number}: {FINDINGS[finding.key].title.lower()}."
            elif item.code in PASSENGER_ITEMS and not has_passengers:
                rating, notes = Rating.NOT_APPLICABLE, "No passenger terminal serves international voyages."
            elif item.code in DANGEROUS_CARGO_ITEMS and not has_dangerous:
                rating, notes = Rating.NOT_APPLICABLE, "No facility handles LPG, LNG or explosives."
            services.checklist_answer(assessment=self.case, item=item, by=self.ipslo, rating=rating, notes=notes)
            self.ctx.created["checklist answers"] += 1

    def _finish(self) -> None:
        self._move("finish_visit", self.leader, "Out-brief held; preliminary findings handed to the host.")
        if self.plan.reach == S.REPORT_DRAFTING:
            services.report_save_draft(
                assessment=self.case, by=self.leader, sections=self._report(partial=self.plan.report == "partial")
            )

    def _submit(self) -> None:
        services.report_save_draft(assessment=self.case, by=self.leader, sections=self._report())
        self._move("submit_report", self.leader, "Report complete; submitted for LANT-51's review.")

    def _recommend(self) -> None:
        decision = self.plan.determination
        if decision is None:
            return
        effective = self.today + dt.timedelta(days=decision.effective)
        if decision.returned is not None:
            outcome, rationale, comment = decision.returned
            first = services.determination_recommend(
                assessment=self.case, by=self.lant51, outcome=outcome, rationale=rationale, effective_date=effective,
            )
            services.determination_return(determination=first, by=self.psa1, comment=comment)
            self.ctx.created["determinations"] += 1
        self.determination = services.determination_recommend(
            assessment=self.case, by=self.lant51, outcome=decision.outcome, basis=decision.basis,
            rationale=decision.rationale, effective_date=effective,
        )
        self.ctx.created["determinations"] += 1

    def _decide(self) -> None:
        decision = self.plan.determination
        if decision is None or not decision.approve:
            return
        services.determination_approve(determination=self.determination, by=self.psa1, comment=decision.comment)
        self._follow_up()

    def _follow_up(self) -> None:
        """After the determination: mitigation, the engagements that address the findings, closure."""
        owner = self.ipslo
        for plan in self.plan.findings:
            finding = self.findings.get(plan.key)
            if finding is None or plan.resolved_on_site:
                continue
            if plan.final == FS.IN_MITIGATION or (plan.final == FS.CLOSED and plan.severity != SEV.OBSERVATION):
                self.findings[plan.key] = services.finding_set_status(
                    finding=finding, by=owner, status=FS.IN_MITIGATION,
                    comment="Corrective action plan received from the designated authority through the embassy.",
                )
        closes = set()
        for engagement in self.plan.engagements:
            services.engagement_save(
                by=owner, country=self.country,
                data={
                    "kind": engagement.kind, "title": engagement.title,
                    "start_date": self.today + dt.timedelta(days=engagement.start),
                    "end_date": self.today + dt.timedelta(days=engagement.start + engagement.days - 1),
                    "participants": "\n".join(engagement.participants), "summary": engagement.summary,
                },
                findings=[self.findings[key] for key in engagement.findings if key in self.findings],
            )
            self.ctx.created["engagements"] += 1
            closes.update(engagement.closes)
        for plan in self.plan.findings:
            finding = self.findings.get(plan.key)
            if finding is None or plan.final != FS.CLOSED:
                continue
            comment = (
                "Closed after the engagement: the authority showed the corrective action in place."
                if plan.key in closes
                else "Closed: the host sent evidence of the corrective action, checked by the IPSLO."
            )
            self.findings[plan.key] = services.finding_set_status(
                finding=finding, by=owner, status=FS.CLOSED, comment=comment
            )

    # The report ------------------------------------------------------------------------------

    def _report(self, partial: bool = False, revised: bool = False) -> dict[str, str]:
        country, plan = self.country, self.plan
        team = list(self.case.team.all())
        others = [f"{m.name} ({m.agency})" for m in team if not m.is_leader]
        visited = [self.visits[code] for code in plan.facilities if code in self.visits]
        visited = [v for v in visited if v.status == VisitFacilityStatus.VISITED]
        ports = sorted({v.facility.port.name for v in visited})
        findings = sorted(self.findings.values(), key=lambda f: f.number)
        carried = list(self.case.findings.filter(carried_from__isnull=False).order_by("number"))
        due = self.end + relativedelta(years=REASSESSMENT_INTERVAL_YEARS)

        introduction = (
            f"At the invitation of the {country.designated_authority}, a U.S. Coast Guard International Port "
            f"Security team visited {country} from {self.start:%-d %B} to {self.end:%-d %B %Y} to assess the "
            f"country's implementation of the International Ship and Port Facility Security (ISPS) Code, as "
            f"provided by 46 U.S.C. 70108. The visit request letter was sent on {self.letter_on:%-d %B %Y} and the "
            f"visit was arranged with the help of the {country.embassy_post}.\n\n"
            f"The team was led by {self.leader} and included {_join(others) or 'no other members'}. It met the "
            f"embassy's Economic Officer on arrival, held an opening meeting with the designated authority, "
            f"interviewed its staff, and visited {len(visited)} port facilities in {_join(ports)}. Findings were "
            f"shared with host counterparts at the end of each day and at the out-brief; they remain preliminary "
            f"until the Coast Guard makes its determination."
        )
        if carried:
            introduction += (
                f"\n\nThe team also re-verified {len(carried)} findings still open from the previous assessment."
            )
        procedures = _PROCEDURES[plan.view].format(authority=country.designated_authority, country=country)
        country_findings = [f for f in findings if f.facility_id is None]
        if country_findings:
            procedures += "\n\nCountry-level findings: " + "; ".join(
                f"finding {f.number}, {f.title.lower()} ({f.isps_reference})" for f in country_findings
            ) + "."
        if revised:
            procedures += (
                "\n\nReview of assessments prepared by recognized security organizations: the team read the files "
                "of six assessments approved in the last two years. None carried a record of review by the "
                "authority; the approval letters repeat the organization's conclusions word for word. This is the "
                "basis of finding 2."
            )
        paragraphs = []
        for visit in visited:
            facility = visit.facility
            at = [f for f in findings if f.facility_id == facility.pk]
            text = (
                f"{facility.name} ({facility.imo_number}), {facility.port.name}: "
                f"{_TYPE_SENTENCES.get(facility.facility_type, 'a port facility serving international trade.')}"
            )
            text += _risk_sentence(facility)
            if at:
                text += " Findings: " + "; ".join(f"{f.number}, {f.title.lower()}" for f in at) + "."
            else:
                text += (" The measures of the approved plan were applied as written: gates staffed, patrols on "
                         "schedule, and the PFSO answered every question with records at hand.")
            paragraphs.append(text)
        for visit in self.case.visit_facilities.filter(status=VisitFacilityStatus.DROPPED).select_related(
                "facility"):
            paragraphs.append(f"{visit.facility.name} was on the proposed list but not visited: {visit.notes}")
        facilities_text = "\n\n".join(paragraphs)
        if partial:
            return {"introduction": introduction, "implementation_procedures": procedures,
                    "facilities_description": facilities_text, "future_plans": "", "conclusions": ""}

        recommendations = "\n".join(
            f"{f.number}. {f.title}: {f.recommendation}" for f in findings if f.recommendation
        )
        future = (
            ("Recommendations to the government:\n" + recommendations + "\n\n") if recommendations else ""
        ) + _FOLLOW_UP[plan.view].format(due=due)
        outcome = self.plan.determination.outcome if self.plan.determination else _VIEW_OUTCOME[plan.view]
        conclusions = _CONCLUSIONS[outcome].format(country=country)
        return {"introduction": introduction, "implementation_procedures": procedures,
                "facilities_description": facilities_text, "future_plans": future, "conclusions": conclusions}


def _site_photo(facility: PortFacility, title: str, day: dt.date):
    """A small PNG standing in for the team's photograph: a labelled sketch of the quay and the fence line."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (196, 214, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 400), fill=(90, 98, 104))  # quay apron
    draw.rectangle((40, 150, 260, 260), fill=(170, 60, 50))  # container stack
    draw.rectangle((300, 170, 520, 260), fill=(40, 90, 140))
    for x in range(0, 640, 24):  # fence posts
        draw.line((x, 230, x, 300), fill=(30, 30, 30), width=3)
    draw.line((0, 240, 640, 240), fill=(30, 30, 30), width=2)
    draw.rectangle((0, 0, 640, 56), fill=(255, 255, 255))
    draw.text((12, 8), f"{facility.name}, {day:%d %b %Y}", fill=(0, 0, 0))
    draw.text((12, 30), f"Demo evidence: {title}"[:90], fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{facility.imo_number or 'facility'}-{day:%Y%m%d}.png", buffer.getvalue(),
                              content_type="image/png")


def _risk_sentence(facility: PortFacility) -> str:
    cargo = [name for name, flag in (("LPG", facility.handles_lpg), ("LNG", facility.handles_lng),
                                     ("explosives", facility.handles_explosives)) if flag]
    if not cargo and not facility.greater_risk:
        return ""
    parts = []
    if facility.greater_risk:
        parts.append("is designated at greater risk")
    if cargo:
        parts.append(f"handles {_join(cargo)}")
    return f" It {' and '.join(parts)}, so the team looked closely at its restricted areas and cargo supervision."


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


_TYPE_SENTENCES = {
    FacilityType.CONTAINER: "a container terminal with automated gates for trucks and a separate pedestrian gate; "
                            "most boxes for the United States are loaded here.",
    FacilityType.PASSENGER: "a passenger terminal that screens embarking passengers and their baggage and handles "
                            "cruise calls in season.",
    FacilityType.RORO: "a ro-ro terminal for new vehicles, with a large open storage area and shuttle drivers "
                       "coming and going all day.",
    FacilityType.DRY_BULK: "a dry bulk terminal with conveyor loading and few people on the quay.",
    FacilityType.LIQUID_BULK: "a tanker terminal with a tank farm, pipelines and jetties reached from the water "
                              "side as well as the land.",
    FacilityType.GAS: "a gas terminal whose jetty and storage tanks are surrounded by a double fence and an "
                      "exclusion zone on the water.",
    FacilityType.GENERAL_CARGO: "a general cargo terminal handling breakbulk and project cargo.",
    FacilityType.MULTIPURPOSE: "a multipurpose terminal handling containers, breakbulk and, in season, cruise "
                               "ships.",
}

_PROCEDURES = {
    "sound": (
        "The {authority} is the designated authority under SOLAS chapter XI-2. National regulations give it the "
        "power to approve port facility security assessments and plans, to inspect facilities and to impose "
        "fines. It keeps a register of the facilities that must comply with the Code and has sent the list to "
        "the IMO.\n\nAssessments are reviewed at least every five years and plans approved after a visit to the "
        "facility. The authority inspects every facility once a year, some visits unannounced, and follows each "
        "corrective action until it is closed. Security levels are set by the national maritime security "
        "committee and reach facilities and ships through a round-the-clock duty desk."
    ),
    "gaps": (
        "The {authority} is the designated authority under SOLAS chapter XI-2, and national regulations put the "
        "Code into law. The authority approves port facility security plans and keeps a register of the "
        "facilities concerned.\n\nOversight after approval is thin: inspections depend on the authority's few "
        "staff and are irregular, facility assessments are not always reviewed on time, and corrective actions "
        "are not tracked to closure. Security level changes are passed by telephone and e-mail without "
        "confirmation of receipt. The authority described plans to strengthen its inspection team."
    ),
    "serious": (
        "The {authority} is named as the designated authority, but its maritime security office has few staff "
        "trained in the Code and no budget for travel to the ports outside the capital. National regulations "
        "exist but do not set a review cycle for assessments or a training standard for port facility security "
        "officers.\n\nThe team found no program of inspections: plans approved years ago have not been checked "
        "since, most facility assessments are overdue for review, and the authority could not say which "
        "facilities in {country} had held drills in the last year."
    ),
}

_FOLLOW_UP = {
    "sound": (
        "The IPSLO will keep in touch with the designated authority through liaison visits and will review the "
        "corrective actions promised for the observations above. The next country assessment falls due in "
        "{due:%B %Y}."
    ),
    "gaps": (
        "The IPSLO will agree a corrective action plan with the designated authority within 90 days, will offer "
        "training through the Coast Guard's International Training Division, and will verify progress at a "
        "liaison visit or a spot check. The next country assessment falls due in {due:%B %Y}."
    ),
    "serious": (
        "The mitigation period runs 90 days from the date of this report. The IPSLO will help the authority "
        "prepare a corrective action plan, arrange training through the International Training Division, MARAD "
        "and the Department of State, point the authority to funding from the World Bank and the regional "
        "development banks, and report progress every month through the embassy. A reassessment should follow "
        "the mitigation period; in any case the next country assessment falls due in {due:%B %Y}."
    ),
}

_VIEW_OUTCOME = {"sound": Outcome.SUBSTANTIALLY, "gaps": Outcome.MINIMALLY, "serious": Outcome.NOT_SUBSTANTIALLY}

_CONCLUSIONS = {
    Outcome.SUBSTANTIALLY: (
        "Taken as a whole, the port facilities visited meet the requirements of the ISPS Code and the government "
        "exercises effective oversight of them. The findings above do not change that picture. The team "
        "recommends that {country} be found substantially implementing effective anti-terrorism measures."
    ),
    Outcome.MINIMALLY: (
        "The legal framework is in place and the facilities visited have approved plans and trained officers, "
        "but the deficiencies found show that measures are not applied consistently and that oversight does not "
        "reach every facility. The team recommends that {country} be found minimally implementing effective "
        "anti-terrorism measures, with the recommendations above sent to the government through the embassy."
    ),
    Outcome.NOT_SUBSTANTIALLY: (
        "The team could not conclude that effective anti-terrorism measures are in place: access control and "
        "monitoring failed at the largest facilities visited, and the government does not oversee port facility "
        "security. The team recommends that {country} be found not substantially implementing the ISPS Code, "
        "with a 90-day mitigation period and the assistance described above."
    ),
}
