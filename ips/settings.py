"""Django settings for IPS Case Manager.

Values come from the environment through :mod:`ips.env`. ``DEBUG`` is off unless set; without
``DEBUG`` the process refuses to start with no ``SECRET_KEY``.
"""

from celery.schedules import crontab
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
    "guardian",
    "auditlog",
    "django_htmx",
    "ips",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
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
            ],
        },
    },
]

DATABASES = {"default": E.env.db_url_config(E.DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = E.CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time; wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ips.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors hold no object rights

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

# Cache and Celery: Redis when configured, otherwise in-process.
REDIS_URL = E.REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "ips",
        }
    }
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
CELERY_BEAT_SCHEDULE = {
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
        "rest_framework.authentication.SessionAuthentication",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": E.LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
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
