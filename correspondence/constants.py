"""Numbers and fixed wording of the program's correspondence."""

import datetime as dt

REFERENCE_PREFIX = "IPS"  # reference numbers read IPS-<year>-<sequence of four digits>
REFERENCE_DIGITS = 4

SENDER_NAME = "United States Coast Guard"
SENDER_PROGRAM = "International Port Security Program"
SENDER_ADDRESS = ("Commandant (CG-PSA-1)", "2703 Martin Luther King Jr Ave SE", "Washington, DC 20593-7501")
BY_DIRECTION = "By direction"
SIGNATORY_TITLES = {  # used when the signing user has no title of their own
    "PSA-1": "Program Manager, International Port Security (CG-PSA-1)",
    "LANT-51": "Operational Manager, International Port Security (LANT-51)",
    "IPSLO": "International Port Security Liaison Officer",
}

# Celery: the jobs' names, how often a job is retried on a transient error, and the longest pause between tries.
RENDER_TASK = "correspondence.letter_render"
DETERMINATION_LETTER_TASK = "correspondence.letter_for_determination"
LETTER_JOB_MAX_RETRIES = 5
LETTER_JOB_BACKOFF_MAX_SECONDS = 300
JOB_ERROR_MAX_LENGTH = 1000
# Stored PDFs live under this directory of the private storage. A file there that no letter names is
# deleted once this old (services.letter_files_sweep): younger, its rendering may be about to commit.
LETTER_FILES_DIR = "letters"
ORPHAN_FILE_GRACE = dt.timedelta(hours=1)
STALLED_LETTERS_SHOWN = 10  # letters listed by the program dashboard's "Letters stalled" panel

LETTER_BODY_MAX_CHARS = 20_000
PAGE_COUNT_SANE_MAX = 40  # a rendered letter longer than this is refused as broken

INCOMING_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}

COUNTRY_HISTORY_LIMIT = 500  # rows of each kind on a country's correspondence page
LETTERS_PER_PAGE = 50
