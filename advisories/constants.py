"""Numbers and fixed texts of the advisories app."""

import re

# A vessel that called in a listed country within this many port calls must meet the conditions of entry.
LAST_PORT_CALLS = 5

# Advisories are numbered "N-YY": N counts up within the two-digit year YY.
NUMBER_PATTERN = re.compile(r"^(?P<sequence>\d{1,2})-(?P<year>\d{2})$")
NUMBER_PREFIX = "PSA"

# A Federal Register citation: volume, "FR", first page (and last page), e.g. "84 FR 11992-11993".
FR_CITATION_PATTERN = r"^\d{1,3} FR \d{1,6}(-\d{1,6})?$"
FR_CITATION_MESSAGE = "Write the citation as volume, FR, page, e.g. 84 FR 11992 or 74 FR 3092-3093."

# IMO port facility numbers as advisories print them: two letters, three letters or digits, a hyphen
# (sometimes missing in source copies), four digits, and sometimes a second number ("GQ362-0001/0002").
IMO_FACILITY_PATTERN = r"^[A-Z]{2}[A-Z0-9]{3}-?\d{4}(/\d{4})?$"
IMO_FACILITY_MESSAGE = "Use the IMO port facility number, e.g. CM394-0001 or CMDLA-0002 (or leave it empty if none)."

# The public JSON document is cached until the next publication or correction.
PUBLIC_JSON_CACHE_KEY = "advisories:public-json:v1"
PUBLIC_JSON_CACHE_SECONDS = 60 * 60
PUBLIC_MAX_AGE_SECONDS = 300

# Stable Atom entry identifiers ("tag:uscg-ips,2024:psa/1-24/release/2").
TAG_AUTHORITY = "uscg-ips"
PUBLISHER = "U.S. Coast Guard, International Port Security Program"
