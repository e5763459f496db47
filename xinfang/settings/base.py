"""Settings shared by every environment, read from the environment with django-environ.

With nothing set the project runs on embedded defaults: a SQLite file under ``var/`` and Celery on kombu's
filesystem transport, so a newcomer needs no server. Set ``DATABASE_URL`` and ``REDIS_URL`` (or
``CELERY_BROKER_URL``) to run on PostgreSQL and Redis. See README.md, "Configuration".
"""

import base64
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DEBUG", default=False)
# Development-only default; production.py refuses to start with it.
INSECURE_DEV_SECRET_KEY = "django-insecure-xinfang-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# PERSONAL DATA (xinfang/personal_data.py): ID numbers and phones are encrypted with the first of these Fernet keys;
# the others (older keys) still decrypt, until `manage.py rotate_keys` has re-encrypted everything with the first.
# FIELD_ENCRYPTION_KEY (one key) is still read. Development derives a key from SECRET_KEY; production.py requires one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    k for k in [env("FIELD_ENCRYPTION_KEY", default="")] if k]
if not FIELD_ENCRYPTION_KEYS:
    _digest = hashlib.sha256(b"field-encryption:" + SECRET_KEY.encode()).digest()
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(_digest).decode()]
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEYS[0]
# The lookup hashes' own secret (HMAC-SHA256 of ID numbers and phones), apart from the encryption keys, so rotating
# those leaves every look-up working. Unset (development), it is the first encryption key, as before it had its own;
# an installation upgrading sets it to its FIELD_ENCRYPTION_KEY to keep its hashes, or to a new secret and runs
# `manage.py rotate_keys`, which computes the hashes again.
LOOKUP_HASH_KEY = env("LOOKUP_HASH_KEY", default="") or FIELD_ENCRYPTION_KEYS[0]

# I18N: Chinese first, English second. Source strings are Chinese; locale/en holds the English catalogue.
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# DATABASES
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'xinfang.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers run beside a writer, and a writer waits for the
    # lock (IMMEDIATE) rather than failing half-way through a transaction.
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 100+ ms on the short, wide-estimate queries of list pages and buys nothing for
    # this workload (measured by bench/case_list.py), so it is off for the application's connections.
    # random_page_cost 1.1 is the usual value for SSD storage (PostgreSQL's 4 assumes spinning disks): with it the
    # planner reads the case list's count from the covering scope index (cases_case_scope) instead of the table —
    # 45 instead of 97 ms at 100,000 cases. Set DATABASE_RANDOM_PAGE_COST=4 on spinning disks.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit=off -c random_page_cost={env.float('DATABASE_RANDOM_PAGE_COST', default=1.1)}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

# APPS
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]
LOCAL_APPS = [
    "xinfang.org",
    "xinfang.workdays",
    "xinfang.rules",
    "xinfang.accounts",
    "xinfang.exchange",
    "cases",
    "deadlines",
    "visits",
    "online",
    "dossiers",
    "scoring",
    "dashboards",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Length, character classes and no reuse are the county's rules (xinfang.accounts.validators: the "security" settings
# group, kept by the security administrator); Django's own refuse a password like the user name or a common one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xinfang.accounts.validators.CountyPasswordValidator"},
]
# A superuser is the installer's account: in production it cannot sign in to the product (production.py), only to
# run the management commands; the three administrators (三员分立) run the county.
SUPERUSER_LOGIN = env.bool("SUPERUSER_LOGIN", default=True)
# The audit trail is kept at least this long (网络安全法: six months of logs; 等保 assessors ask for 180 days and
# more). The product never deletes a row (the database refuses it); archiving older rows is `manage.py audit_export`,
# and removing archived rows is the database owner's step (docs/security.md).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# After archived rows are removed, the hash of the last one removed: the chain check starts from it.
AUDIT_ANCHOR_HASH = env("AUDIT_ANCHOR_HASH", default="")
# /api/schema/ and /api/docs/ without signing in: on a developer's machine and in the demo; production.py says no.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
# Two factors (django-otp): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "信访通"
# Login lockout (django-axes): five failures lock the username from that address for 30 minutes.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# MIDDLEWARE
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xinfang.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinfang.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every write, with its result, in the audit trail — the login rules' refusals below included. It records after
    # the response, when an API token's user is known too.
    "xinfang.middleware.AuditWritesMiddleware",
    # The county's login rules: idle timeout, lifetime, the second factor, a password to change (xinfang.accounts).
    "xinfang.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

# STATIC AND MEDIA: static files are served by WhiteNoise when DEBUG is off (no CDN: intranets).
# https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Case attachments (scanned letters, photos, replies): size limit; types are in cases/services.py.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The proxies in front of the web processes (TLS, load balancing): behind them the caller's address is taken from
# X-Forwarded-For (xinfang.http.client_ip), for the audit trail and the public pages' limits per address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Ledger imports (workflow/ledger.py): the largest file and number of rows taken at once, and how long a run may say
# nothing before the page offers to start it again (its worker died; its transaction wrote nothing).
LEDGER_IMPORT_MAX_BYTES = env.int("LEDGER_IMPORT_MAX_MB", default=30) * 1024 * 1024
LEDGER_IMPORT_MAX_ROWS = env.int("LEDGER_IMPORT_MAX_ROWS", default=200_000)
LEDGER_IMPORT_STALL_SECONDS = env.int("LEDGER_IMPORT_STALL_SECONDS", default=600)

# TEMPLATES
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinfang.org.context_processors.navigation",
                "deadlines.context_processors.notifications",
                "xinfang.accounts.context_processors.session_limits",
            ],
        },
    }
]

# SECURITY
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from our own static files — the pages carry no inline script and
# no on…= handler (tests/security/test_csp.py) — and nothing from another origin (no CDN: the product runs on
# intranets). Inline styles stay allowed: ECharts writes its tooltips' styles inline. The API's Swagger page, which
# drf-spectacular draws with an inline script, has its own policy (xinfang/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The cookie's own age is only the outer bound: the county's idle timeout and login lifetime (xinfang.accounts, at most
# 24 hours) end a session sooner.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=24 * 3600)

# CACHE: Redis when REDIS_URL is set (shared by web and workers), else a file cache under var/.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# CELERY: configured from these settings by xinfang/celery.py (namespace CELERY).
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder shared by web, worker and beat.
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran; a worker that dies mid-task leaves it to be run again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The beat schedule is declared here and nowhere else. Every periodic task is idempotent.
BEAT_HEARTBEAT_SECONDS = 60
# /healthz says "starting" (200), not "down", while beat has not ticked in the first seconds after the web starts.
HEALTH_STARTUP_GRACE_SECONDS = env.int("HEALTH_STARTUP_GRACE_SECONDS", default=3 * BEAT_HEARTBEAT_SECONDS)
DEADLINE_SWEEP_SECONDS = env.int("DEADLINE_SWEEP_SECONDS", default=600)
# At most this many cards of each colour per sweep, the most overdue first (a backlog is raised over a few runs).
DEADLINE_SWEEP_MAX_CARDS = env.int("DEADLINE_SWEEP_MAX_CARDS", default=40_000)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "xinfang.org.tasks.beat_heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS},
    # Raise, escalate and clear red and yellow cards (workflow.sweep).
    "deadline-sweep": {"task": "deadlines.tasks.sweep_cards", "schedule": DEADLINE_SWEEP_SECONDS},
    # E-mail notifications; the task itself waits for working hours.
    "notification-email": {"task": "deadlines.tasks.email_notifications", "schedule": 600},
    # Each unit's daily digest of its current cards, at the start of the working day.
    "unit-digest": {"task": "deadlines.tasks.daily_digest", "schedule": crontab(hour=8, minute=30)},
    # Keep recurring reception rules expanded into dated slots ahead (visits.services.schedules_extend).
    "reception-slots": {"task": "visits.tasks.extend_schedules", "schedule": crontab(hour=1, minute=10)},
    # Cases unsatisfied for the county's months become backlog cases (dossiers.services.backlog_promote).
    "backlog-promotion": {"task": "dossiers.tasks.promote_backlog", "schedule": crontab(hour=1, minute=30)},
    # Remind people short of a duty rule near the end of its period (visits.services.duty_reminders).
    "duty-reminders": {"task": "visits.tasks.remind_duties", "schedule": crontab(hour=9, minute=0)},
    # Ranking snapshots: 日通报 daily, 周亮晒 on Mondays, 月排名 on the 1st, 季考核 each quarter (scoring.services).
    "bulletins": {"task": "scoring.tasks.generate_bulletins", "schedule": crontab(hour=6, minute=30)},
    # The dashboards' monthly rollups: months whose cases changed, every minute; every night, months with open cases
    # (a deadline passing makes a case overdue without any write) (dashboards.services).
    "dashboard-rollups": {"task": "dashboards.tasks.refresh_rollups", "schedule": 60},
    # Outbound events (webhooks): the deliveries due, retries included (xinfang.exchange; each change also wakes it).
    "webhook-deliveries": {"task": "xinfang.exchange.tasks.deliver_events", "schedule": 30},
    "dashboard-rollups-nightly": {"task": "dashboards.tasks.mark_open_rollups", "schedule": crontab(hour=0, minute=20)},
}
# OUTBOUND EVENTS (webhooks, xinfang.exchange): each try waits for an answer this long; a failed delivery is tried
# again after WEBHOOK_RETRY_SECONDS, doubling each time (at most six hours), and given up after WEBHOOK_MAX_ATTEMPTS;
# a subscriber failing WEBHOOK_PAUSE_AFTER times in a row is paused (nothing is lost: its deliveries wait).
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=30)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=15)
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=10)
# A subscriber's URL never points at this machine or a link-local address (intranet addresses are fine), except on a
# developer's machine and in the tests, whose receivers listen on 127.0.0.1.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
# E-MAIL: the console by default (the demo prints mails); set EMAIL_URL-style settings in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="xinfang@localhost")
# SMS (the petitioner's one-time answer link): the console backend logs messages; set a gateway class in production.
SMS_BACKEND = env("SMS_BACKEND", default="xinfang.sms.ConsoleBackend")
# The address petitioners reach from outside (the answer link in SMS and on the QR code of the reply letter).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# When notifications are e-mailed is a county setting (deadlines/rules.py, on the county's calendar), not here.

# DJANGO REST FRAMEWORK
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.org.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Refuse by default: every action needs the permission its view names (xinfang/api/permissions.py).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "xinfang.api.permissions.ActionPermission"],
    "DEFAULT_PARSER_CLASSES": [
        "xinfang.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "xinfang.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
API_MAX_PAGE_SIZE = 200
SPECTACULAR_SETTINGS = {
    "TITLE": "信访通 API",
    "DESCRIPTION": (
        "信访通对外接口。所有数据按调用方的辖区范围返回。"
        " The 信访通 REST API; every response is limited to the caller's jurisdiction."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set wherever its fields are called.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "ExtensionStatusEnum": "cases.choices.ExtensionStatus",
        "SuspensionStatusEnum": "deadlines.choices.SuspensionStatus",
        "SatisfactionEnum": "cases.choices.Satisfaction",
        "RegionLevelEnum": "xinfang.org.choices.RegionLevel",
    },
}

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
