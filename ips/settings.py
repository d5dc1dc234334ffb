"""Django settings for IPS Case Manager.

Values come from the environment through :mod:`ips.env`. ``DEBUG`` is off unless set; without
``DEBUG`` the process refuses to start with no ``SECRET_KEY``.
"""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from ips import env as E

BASE_DIR = E.BASE_DIR
DEBUG = E.DEBUG

if E.SECRET_KEY:
    SECRET_KEY = E.SECRET_KEY
elif DEBUG:
    # Development only: a fixed, obviously unsafe key so every process of the demo agrees.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"
else:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = E.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = E.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ips",
    "ips.accounts",
    "ips.jobs",
    "countries",
    "assessments",
    "correspondence",
    "advisories",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ips.accounts.middleware.VerifiedDeviceMiddleware",  # django-otp's OTPMiddleware
    "ips.middleware.PermissionScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "ips.accounts.middleware.SessionIdleTimeoutMiddleware",
    "ips.accounts.middleware.SecondFactorRequiredMiddleware",
    # Last: turns a lockout flagged while signing in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ips.urls"
WSGI_APPLICATION = "ips.wsgi.application"
ASGI_APPLICATION = "ips.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ips.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": E.env.db_url_config(E.DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = E.CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time; wait for the lock instead of failing at once. SQLite ignores select_for_update():
    # every transaction takes the write lock when it begins (IMMEDIATE), so a service's read-check-write
    # runs alone, as the row locks make it on PostgreSQL, and never fails midway on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ips.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses any password while the account or address is locked out (django-axes).
    "ips.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = E.STATIC_ROOT
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed by npm at set-up; served straight from node_modules.
    ("vendor/uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The program dashboard's world map: country shapes, TopoJSON decoding, the projection.
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
    ("vendor/topojson-client", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
    ("vendor/d3-array", BASE_DIR / "node_modules" / "d3-array" / "dist"),
    ("vendor/d3-geo", BASE_DIR / "node_modules" / "d3-geo" / "dist"),
]
MEDIA_ROOT = E.MEDIA_ROOT
MEDIA_URL = "/media/"  # never routed: uploads are served only through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads (evidence, incoming correspondence, separate-consideration requests): checked by content in
# ips/uploads.py. IPS_UPLOAD_MAX_MB is the one size limit of a file, for the forms and for the upload
# handler, which stops reading a request as soon as a file passes it. Images larger than
# IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS are refused before they are decoded (decompression bombs).
IPS_UPLOAD_MAX_MB = E.env.int("IPS_UPLOAD_MAX_MB", default=20)
IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS = E.env.int("IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS", default=64)
FILE_UPLOAD_HANDLERS = [
    "ips.upload_handlers.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The text fields of one request, files not counted (the longest text is a report section), and the
# number of files; more is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Email
_email = E.env.email_url_config(E.EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = E.DEFAULT_FROM_EMAIL

# Background jobs, the cache and Redis outages ----------------------------------------------------------
# Redis is the cache and the Celery broker when REDIS_URL is set; without it the cache is in-process and
# every job runs in-process, at once (the demo). Jobs the application owes are rows of the outbox
# (ips/jobs: OutboxJob), written in the transaction of the change that owes them and sent to the broker
# after its commit; the dispatcher (beat, every IPS_OUTBOX_DISPATCH_SECONDS) sends what the broker could
# not take and, again, what was sent but not done IPS_OUTBOX_RESEND_AFTER_MINUTES later (at most
# IPS_OUTBOX_MAX_SENDS times). A letter whose PDF is queued or rendering for IPS_LETTER_STALLED_MINUTES
# shows as stalled, with a Retry button for PSA-1 and LANT-51.
# Time limits fit the letters: WeasyPrint renders one in 0.25-0.5 s, the longest accepted (40 pages) in a
# few seconds; at the soft limit a job records its failure, at the hard one it is killed. The broker hands
# a job a worker took but never acknowledged (the worker died) to another worker after the visibility
# timeout: it must be longer than a job runs (the hard limit) and than a letter job waits for its retry
# (5 minutes at most); the jobs.W002 check says so. Letter jobs are idempotent, so a job handed out
# twice is rendered once.
# When Redis is down the cache and the request throttle fail open: the pages and the API keep answering,
# and the failure is logged once per burst (the "ips.redis" logger, ips/outages.py).
REDIS_URL = E.REDIS_URL
IPS_LETTER_STALLED_MINUTES = E.env.int("IPS_LETTER_STALLED_MINUTES", default=10)
IPS_OUTBOX_DISPATCH_SECONDS = E.env.int("IPS_OUTBOX_DISPATCH_SECONDS", default=60)
IPS_OUTBOX_RESEND_AFTER_MINUTES = E.env.int("IPS_OUTBOX_RESEND_AFTER_MINUTES", default=5)
IPS_OUTBOX_MAX_SENDS = E.env.int("IPS_OUTBOX_MAX_SENDS", default=5)
IPS_JOB_SOFT_TIME_LIMIT_SECONDS = E.env.int("IPS_JOB_SOFT_TIME_LIMIT_SECONDS", default=60)
IPS_JOB_TIME_LIMIT_SECONDS = E.env.int("IPS_JOB_TIME_LIMIT_SECONDS", default=90)
IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS = E.env.int("IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS", default=600)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Fail open: a cache that cannot be reached is a cache miss, within a second.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
            "KEY_PREFIX": "ips",
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "ips.redis"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS,
    # Workers look for abandoned jobs a few times per visibility timeout (every 10 s at most).
    "unacked_restore_interval": max(1, min(10, IPS_BROKER_VISIBILITY_TIMEOUT_SECONDS // 3)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
CELERY_TASK_SOFT_TIME_LIMIT = IPS_JOB_SOFT_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = IPS_JOB_TIME_LIMIT_SECONDS
CELERY_BEAT_SCHEDULE = {
    # The outbox's dispatcher; a run that could not start before the next one is dropped.
    "outbox-dispatch": {
        "task": "jobs.dispatch_outbox",
        "schedule": timedelta(seconds=IPS_OUTBOX_DISPATCH_SECONDS),
        "options": {"expires": IPS_OUTBOX_DISPATCH_SECONDS},
    },
    # Nightly: forget jobs finished a month ago; remove letter PDFs that no letter references (a worker
    # killed between writing a file and committing its row).
    "jobs-housekeeping": {"task": "jobs.housekeeping", "schedule": crontab(hour=4, minute=15)},
    "letter-files-sweep": {"task": "correspondence.letter_files_sweep", "schedule": crontab(hour=4, minute=30)},
    # Every morning (America/New_York): open the cases that fall due, then send the day's reminders.
    "plan-reassessments": {
        "task": "assessments.tasks.plan_reassessments",
        "schedule": crontab(hour=5, minute=30),
    },
    "deadline-reminders": {
        "task": "assessments.tasks.send_deadline_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
}

# Django REST framework
REST_FRAMEWORK = {
    # Token first, so that a request with no credentials gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "ips.accounts.authentication.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ips.api.exceptions.api_exception_handler",
    # Requests per user: API client accounts get the lower rate, people the higher one.
    "DEFAULT_THROTTLE_CLASSES": ["ips.api.throttling.AccountRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": "120/min", "user": "600/min", "anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IPS Case Manager API",
    "DESCRIPTION": "Country compliance status and the case workflow of the International Port Security Program.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The documentation UIs come from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStateEnum": "assessments.choices.AssessmentState",
        "DeterminationStateEnum": "assessments.choices.DeterminationState",
        "LetterStatusEnum": "correspondence.choices.LetterStatus",
        "AdvisoryStatusEnum": "advisories.choices.AdvisoryStatus",
        "LetterKindEnum": "correspondence.choices.LetterKind",
    },
}

# Security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if E.SECURE_SSL:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): scripts and styles come from this site, or are inline with the
# nonce of the response (CSP_NONCE in templates); no inline event handlers, no style attributes, no
# eval, no plug-ins, no framing. Pages that need more (the API documentation) widen it per view.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # USWDS draws some icons as data: SVGs in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sign-in: lockout, two-factor, sessions ---------------------------------------------------------------
# Password guessing (django-axes): after IPS_LOGIN_FAILURE_LIMIT wrong passwords or codes for one account
# (from any address), or from one address (against any account), signing in is refused until
# IPS_LOGIN_COOLOFF_MINUTES after the last failure. An administrator lifts a lock sooner with
# `manage.py axes_reset_username <username>`, `axes_reset_ip <address>` or `axes_reset`, or by deleting
# the access attempt in the admin. Attempts are kept in axes' AccessAttempt and AccessFailureLog tables.
IPS_LOGIN_FAILURE_LIMIT = E.env.int("IPS_LOGIN_FAILURE_LIMIT", default=5)
IPS_LOGIN_COOLOFF_MINUTES = E.env.int("IPS_LOGIN_COOLOFF_MINUTES", default=15)
# Whom the lockout page tells people to contact.
IPS_LOGIN_HELP_CONTACT = E.env.str("IPS_LOGIN_HELP_CONTACT", default="the IPS Case Manager administrator (via LANT-51)")
# How many reverse proxies in front of the application append the client's address to X-Forwarded-For.
# 0: the header is ignored and the lockout counts the connection's address (REMOTE_ADDR).
IPS_TRUSTED_PROXY_COUNT = E.env.int("IPS_TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = IPS_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=IPS_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account OR per address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends when the page says it does
AXES_RESET_ON_SUCCESS = False  # ips.accounts.services.sign_in_failures_clear forgets only the user's own
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "ips.accounts.network.client_ip_address"
AXES_LOCKOUT_CALLABLE = "ips.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "reauth_password", "reauth_otp_token"]
# Two-factor sign-in (django-otp): an authenticator app (TOTP) with single-use recovery codes; required
# for PSA-1 and LANT-51 (ips/accounts/constants.py), available to everyone else. A wrong code also
# slows the next one down (1, 2, 4, ... seconds).
OTP_TOTP_ISSUER = "IPS Case Manager"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP key or a recovery code
# The authenticator secret (base32) `seed_demo` gives the demo's PSA-1 and LANT-51 users. Demo only.
DEMO_TOTP_SECRET = E.env.str("DEMO_TOTP_SECRET", default="IPSCASEMANAGERDEMOTOTPSECRETKEY2")
# Sessions end after IPS_SESSION_IDLE_MINUTES without a request, and when the browser closes.
IPS_SESSION_IDLE_MINUTES = E.env.int("IPS_SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# PSA-1 types the password (and code) again before deciding when the last sign-in is older than this.
IPS_REAUTH_MAX_AGE_MINUTES = E.env.int("IPS_REAUTH_MAX_AGE_MINUTES", default=15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Redis outages (the cache, the throttle, the broker): one record per failure burst (ips/outages.py).
    "filters": {"once_per_burst": {"()": "ips.outages.OncePerBurst"}},
    "root": {"handlers": ["console"], "level": E.LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "ips.redis": {"filters": ["once_per_burst"]}},
}

DEMO_PASSWORD = E.DEMO_PASSWORD

# Program scheduling (issue: scheduling). Numbers a deployment may tune; the rules themselves live in
# assessments/constants.py.
IPS_PLANNING_HORIZON_DAYS = E.env.int("IPS_PLANNING_HORIZON_DAYS", default=365)
IPS_ANNUAL_VISIT_CAPACITY = E.env.int("IPS_ANNUAL_VISIT_CAPACITY", default=45)
IPS_WAITING_REMINDER_DAYS = E.env.int("IPS_WAITING_REMINDER_DAYS", default=14)
# Excel downloads stop at this many rows (a workbook is built whole; CSV streams any number).
IPS_EXPORT_EXCEL_MAX_ROWS = E.env.int("IPS_EXPORT_EXCEL_MAX_ROWS", default=20_000)
IPS_JOB_BATCH_SIZE = 200
IPS_PRIORITY_WEIGHTS = {
    "trade": 3.0,
    "internal_conditions": 2.0,
    "instruments_history": 1.0,
    "years_since_assessment": 3.0,
    "last_outcome": 2.0,
    "requested_visit": 1.0,
}
IPS_SITE_URL = E.env.str("IPS_SITE_URL", default="http://127.0.0.1:8000")
