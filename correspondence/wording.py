"""The first wording of each letter kind; the draft's wording can be edited before approval.

Structured parts (the numbered findings, the mitigation period and its end date, the dates of a
visit) are not part of this wording: the letter template fills them in from the case and the
determination each time the letter is rendered.
"""

from __future__ import annotations

from django.utils.dateformat import format as date_format

from assessments.choices import Outcome
from correspondence.choices import LetterKind

ISPS = "International Ship and Port Facility Security (ISPS) Code"


def _day(value) -> str:
    return date_format(value, "j F Y") if value else "a date to be agreed"


def default_subject(*, kind: str, country, determination=None, case=None) -> str:
    name = country.name
    return {
        LetterKind.VISIT_REQUEST: f"Request for a country visit to {name} under the {ISPS}",
        LetterKind.CONFIRMATION: f"Confirmation of substantial implementation of the ISPS Code by {name}",
        LetterKind.FINDINGS: f"Findings and recommendations of the ISPS Code country assessment of {name}",
        LetterKind.NON_COMPLIANCE: f"Notification: {name} is not substantially implementing the ISPS Code",
        LetterKind.FEDERAL_REGISTER: (
            f"Imposition of Conditions of Entry for Certain Vessels Arriving to the United States From {name}"
        ),
        LetterKind.SEPARATE_CONSIDERATION: f"Request for separate consideration of a port facility in {name}",
        LetterKind.RECIPROCAL_INVITATION: f"Invitation to a reciprocal visit to United States ports ({name})",
    }[LetterKind(kind)]


def default_body(*, kind: str, country, determination=None, case=None) -> str:
    """Plain paragraphs separated by blank lines."""
    kind = LetterKind(kind)
    name = country.name
    if kind == LetterKind.VISIT_REQUEST:
        start = case.visit_first_day if case else None
        end = (case.visit_end or case.proposed_end) if case else None
        objective = (case.objective or "").strip() if case else ""
        return "\n\n".join(filter(None, [
            f"The United States Coast Guard, under 46 U.S.C. 70108, assesses the effectiveness of the anti-terrorism "
            f"measures in foreign ports. On behalf of the International Port Security Program, I request the "
            f"agreement of {name} to a country visit from {_day(start)} to {_day(end)}.",
            f"The objective of the visit: {objective}" if objective else "",
            "The visit team would like to meet the designated authority, visit a representative selection of port "
            "facilities that trade with the United States, and share its observations with your officials each day "
            "of the visit. We would welcome a copy of your national ISPS Code legislation and guidance, and the "
            "voluntary self-assessment questionnaire (MSC/Circ.1131), by the dates listed below.",
            "Please confirm the proposed dates through the United States Embassy. Our International Port Security "
            "Liaison Officer remains at your disposal for any question about the visit.",
        ]))
    if kind == LetterKind.CONFIRMATION:
        return "\n\n".join([
            f"I am pleased to inform you that, following the country assessment, the United States Coast Guard has "
            f"determined that {name} is substantially implementing the {ISPS}, effective "
            f"{_day(determination.effective_date if determination else None)}.",
            "Taken as a whole, the port facilities visited meet the requirements of the Code and your government "
            "exercises effective oversight. No further action is required unless circumstances change.",
            "Thank you for the cooperation extended to the visit team. We look forward to continuing our partnership "
            "through our International Port Security Liaison Officer.",
        ])
    if kind == LetterKind.FINDINGS:
        return "\n\n".join([
            f"Thank you for hosting the International Port Security Program's country assessment. The United States "
            f"Coast Guard has determined that {name} is minimally implementing the {ISPS}.",
            "The findings of the visit, each with the provision of the Code it rests on and our recommendation, are "
            "listed below. We recommend that the deficiencies be corrected, and we would welcome a written account "
            "of the measures taken.",
            "Our International Port Security Liaison Officer will stay in contact with your officials and can help "
            "identify training and technical assistance.",
        ])
    if kind == LetterKind.NON_COMPLIANCE:
        basis = determination.get_basis_display() if determination and determination.basis else ""
        source = ""
        if determination is not None and determination.assessment_id is None:
            source = (" This determination rests on information from another United States government agency "
                      "or an accepted source, or on the denial of access.")
        return "\n\n".join(filter(None, [
            f"I regret to inform you that the United States Coast Guard has determined that {name} is not "
            f"substantially implementing the {ISPS} and does not maintain effective anti-terrorism measures in its "
            f"ports (46 U.S.C. 70109).{source}",
            f"Basis of the determination: {basis}." if basis else "",
            "The concerns identified, with our recommended mitigation, are listed below. Unless the measures are "
            "found effective before the end of the mitigation period, conditions of entry will apply to vessels "
            "arriving in the United States that called at ports in your country, and a public notice will be "
            "published in the Federal Register (46 U.S.C. 70110).",
            "Our International Port Security Liaison Officer will arrange training and technical assistance and "
            "monitor the progress of the mitigation measures.",
        ]))
    if kind == LetterKind.FEDERAL_REGISTER:
        return "\n\n".join([
            f"The Coast Guard announces that it will impose conditions of entry on vessels arriving in the United "
            f"States from the ports of {name}, which has been found not to maintain effective anti-terrorism measures.",
            "Docket number: USCG-YYYY-NNNN. Effective date: 14 days after publication.",
            "Vessels that visited ports in the country within their last five port calls must take the additional "
            "security measures listed in the Port Security Advisory in force.",
        ])
    if kind == LetterKind.SEPARATE_CONSIDERATION:
        return "\n\n".join([
            f"We acknowledge the request that a port facility in {name} be considered separately from the country's "
            "determination.",
            "Such a request is considered on the facility's augmented security plan, verified by a Recognized "
            "Security Organization. We have reviewed the plan and the verification submitted, and our answer is "
            "set out below.",
        ])
    return "\n\n".join([
        f"On behalf of the International Port Security Program, I am pleased to invite a delegation from {name} to "
        "visit port facilities in the United States in a reciprocal engagement.",
        "Our International Port Security Liaison Officer will agree the dates and the programme with your officials "
        "through the United States Embassy.",
    ])


def kind_for_outcome(outcome: str) -> str:
    return {
        Outcome.SUBSTANTIALLY: LetterKind.CONFIRMATION,
        Outcome.MINIMALLY: LetterKind.FINDINGS,
        Outcome.NOT_SUBSTANTIALLY: LetterKind.NON_COMPLIANCE,
    }[Outcome(outcome)]
