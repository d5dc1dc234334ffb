"""Content of the first checklist version, in the program's words.

Sources: ISPS Code Part A 14.2 (facility duties at security level 1, looked at in every facility
visited [NVIC Encl.1 3.c(1)]); NVIC 02-05 Appendix (A), the eight areas of interest put to the
contracting government; PSA-WI-01 G.1.a-d, the 2024 focus areas.
"""

from assessments.choices import ChecklistScope

TEMPLATE_NAME = "IPS country assessment checklist"

SECTIONS = (
    {
        "code": "A14.2", "title": "Port facility security duties (ISPS Code Part A 14.2)",
        "scope": ChecklistScope.FACILITY, "source": "ISPS Code Part A 14.2",
        "items": (
            ("14.2.1", "All port facility security duties are performed.", "ISPS Code A/14.2.1"),
            ("14.2.2", "Access to the port facility is controlled.", "ISPS Code A/14.2.2"),
            ("14.2.3", "The port facility is monitored, including its anchoring and berthing areas.",
             "ISPS Code A/14.2.3"),
            ("14.2.4", "Restricted areas are monitored so that only authorized persons have access.",
             "ISPS Code A/14.2.4"),
            ("14.2.5", "The handling of cargo is supervised.", "ISPS Code A/14.2.5"),
            ("14.2.6", "The handling of ship's stores is supervised.", "ISPS Code A/14.2.6"),
            ("14.2.7", "Security communication is readily available.", "ISPS Code A/14.2.7"),
        ),
    },
    {
        "code": "1", "title": "General administration", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 1",
        "items": (
            ("1.a", "The state is a contracting government to SOLAS and has accepted the ISPS Code.", ""),
            ("1.b", "Legislation puts the requirements of the ISPS Code into national law.", ""),
            ("1.c", "A designated authority is identified and empowered to enforce the ISPS Code.", "SOLAS XI-2/1.11"),
            ("1.d", "The port facilities that must apply the ISPS Code have been identified.", ""),
            ("1.e", "A system for port facility security assessments exists.", "ISPS Code A/15"),
            ("1.f", "Recognized security organizations authorized for facility assessments are named, and the "
                    "authority reviews their assessments.", "ISPS Code A/4.3"),
            ("1.g", "Every port facility serving ships on international voyages must have a security plan.",
             "ISPS Code A/16"),
            ("1.h", "Facilities must take measures against weapons and other dangerous substances and devices.", ""),
            ("1.i", "Facilities must have measures to respond to security threats and breaches of security.", ""),
            ("1.j", "Port facility security officers must meet training requirements.", "ISPS Code A/18; B/18.1"),
            ("1.k", "Port facility security drills are held, announced or unannounced, at a set frequency.",
             "ISPS Code A/18.3"),
        ),
    },
    {
        "code": "2", "title": "Access control", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 2",
        "items": (
            ("2.a", "Ships must report their ISPS Code compliance before arriving in port.", "SOLAS XI-2/9"),
            ("2.b", "Measures control access to the port from ships not in compliance with the ISPS Code.", ""),
            ("2.c", "Access controls prevent unauthorized landside entry at other than designated access points.",
             "ISPS Code A/14.2.2"),
            ("2.d", "Security methods are prescribed for passenger embarkation and disembarkation.", ""),
            ("2.e", "Passengers are verified.", ""),
            ("2.f", "Crew members are verified.", ""),
        ),
    },
    {
        "code": "3", "title": "Port facilities, anchorages and berthing areas at greater risk",
        "scope": ChecklistScope.GOVERNMENT, "source": "NVIC 02-05 Appendix (A) 3",
        "items": (
            ("3.a", "Port facilities at greater risk than others within ports have been designated.", ""),
            ("3.b", "Anchorages or berthing areas at greater risk have been designated.", ""),
            ("3.c", "Ship traffic schemes have been altered where needed to increase security near facilities.", ""),
        ),
    },
    {
        "code": "4", "title": "Restricted areas", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 4",
        "items": (
            ("4.a", "Facilities must identify restricted-access areas within their boundaries.", "ISPS Code A/14.2.4"),
            ("4.b", "Methods for monitoring access to restricted areas are prescribed.", ""),
        ),
    },
    {
        "code": "5", "title": "Handling of cargo", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 5",
        "items": (
            ("5.a", "Security personnel must supervise general cargo handling.", "ISPS Code A/14.2.5"),
            ("5.b", "Facilities that handle LPG, LNG or explosives are known.", ""),
            ("5.c", "Security measures apply when LPG, LNG or explosives are moved or handled in port.", ""),
            ("5.d", "Other cargoes whose handling security personnel must supervise are named.", ""),
        ),
    },
    {
        "code": "6", "title": "Handling of ship's stores", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 6",
        "items": (
            ("6.a", "The rules on vendors servicing ships inside port facilities are set.", "ISPS Code A/14.2.6"),
            ("6.b", "Vendors' movements inside port facilities are monitored.", ""),
        ),
    },
    {
        "code": "7", "title": "Security communication", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 7",
        "items": (
            ("7.a", "Security levels are communicated to port facilities and ships.", "ISPS Code A/14.2.7"),
        ),
    },
    {
        "code": "8", "title": "Ship security plans", "scope": ChecklistScope.GOVERNMENT,
        "source": "NVIC 02-05 Appendix (A) 8",
        "items": (
            ("8.a", "The contracting government issues International Ship Security Certificates.", "ISPS Code A/19"),
            ("8.b", "Recognized security organizations approve ship security plans on the government's behalf.",
             ""),
            ("8.c", "The government oversees the recognized security organizations acting for it.", ""),
        ),
    },
    {
        "code": "F", "title": "2024 focus areas", "scope": ChecklistScope.GOVERNMENT,
        "source": "PSA-WI-01 G.1.a-d",
        "items": (
            ("F.a", "The government carries out its ISPS Code roles and oversees port facility security.", ""),
            ("F.b", "Access control and monitoring cover cargo, ships, the ISPS zone and restricted areas.", ""),
            ("F.c", "Cargo and ship's stores are screened under set procedures.", ""),
            ("F.d", "Basic cybersecurity is in place: cyber hygiene, monitoring, and network access restricted "
                    "to authorized persons.", ""),
        ),
    },
)
