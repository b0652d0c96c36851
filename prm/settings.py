"""Settings from environment variables (12-factor).

With nothing set, the app runs in the embedded default: SQLite, eager Celery, emails written
to files under var/mail/ (one .eml per message), local-memory cache. PRM_ENV=production demands real secrets and
turns on the hardened cookie, HSTS and CSP settings that `check --deploy` looks for.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRM_ENV = env.str("PRM_ENV", default="dev")
PRODUCTION = PRM_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # required: no default in production
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)

# Tenants live at <slug>.<PRM_DOMAIN>; the bare PRM_DOMAIN is the platform's root page. Outside
# production, 127.0.0.1 is the root page too (it explains the *.localhost addresses and links to the
# programs); production answers its own domains only.
PRM_DOMAIN = env.str("PRM_DOMAIN", default="localhost")
PRM_ROOT_ALIASES = [] if PRODUCTION else ["127.0.0.1"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[PRM_DOMAIN, f".{PRM_DOMAIN}", *PRM_ROOT_ALIASES])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The project's apps first: where two apps' catalogues translate the same message ("Save",
    # "Home"), the earlier app's translation is the one shown.
    "prm.accounts",
    "prm.tenancy",
    "prm.audit",
    "prm.outbox",
    "prm.invitations",
    "prm.api",
    "prm.demo",
    "prm.i18n",
    "partners",
    "partners.imports",
    "partners.agreements",
    "partners.checklist",
    "partners.tiers",
    "partners.training",
    "partners.content",
    "dealreg",
    "mdf",
    "surveys",
    "loyalty",
    "prm.platform_admin.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "django_countries",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "prm.uploads.request_limits.RequestBodyLimitMiddleware",
    "prm.outbox.middleware.EagerOutboxRetryMiddleware",  # outside the tenant: it sweeps every tenant's mail
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prm.tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "prm.tenancy.middleware.MembershipMiddleware",
    "prm.i18n.middleware.PreferredLanguageMiddleware",  # after the membership: a person's own choice comes first
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"

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
                "prm.tenancy.context_processors.tenancy",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# PostgreSQL with row-level security (prm/tenancy/rls.py): DATABASE_URL is the app role, which owns
# no table and cannot bypass RLS; MIGRATE_DATABASE_URL is the owner, used by `migrate` and
# `db_roles` only. Cross-tenant batches switch to RLS_BATCH_ROLE (BYPASSRLS, granted to the app role).
if env.str("MIGRATE_DATABASE_URL", default=""):
    DATABASES["owner"] = env.db("MIGRATE_DATABASE_URL")
RLS_APP_ROLE = DATABASES["default"].get("USER") if "owner" in DATABASES else None
RLS_BATCH_ROLE = env.str("RLS_BATCH_ROLE", default="prm_batch") if "owner" in DATABASES else None
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Server-side cursors outlive the statement the tenant is set for, and break under transaction pooling.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent requests on the embedded default: WAL lets readers run beside the one writer;
    # IMMEDIATE takes the write lock when a transaction starts, so a writer waits its turn (up to
    # SQLITE_TIMEOUT seconds) instead of failing with "database is locked" when a transaction that
    # began by reading tries to write; synchronous=NORMAL is safe under WAL and spares an fsync per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
    })

# Request bodies: PRM_MAX_REQUEST_BYTES for the whole body (prm/uploads/request_limits.py: 413
# before reading, and counted while file parts stream in); form fields in memory up to
# DATA_UPLOAD_MAX_MEMORY_SIZE; a file part past FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file.
PRM_MAX_REQUEST_BYTES = env.int("PRM_MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated on purpose
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "prm.uploads.request_limits.BodyCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email login, no open sign-up (the adapter closes it), verified emails, TOTP 2FA.
ACCOUNT_ADAPTER = "prm.accounts.adapter.TenantAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PRM] "
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses that have no account
# Failed passwords: per client IP; per address from one IP ("key", see prm/accounts/limits.py) over
# 5 minutes and a day; per address from anywhere over an hour, above what one IP can reach alone.
# The emailed sign-in code is the way in that strangers cannot close: per IP, per address from one IP.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key,20/d/key",
    "login_failed_address": "50/h/key",
    "request_login_code": "20/m/ip",
    "request_login_code_address_ip": "3/m/key,10/h/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {"request_login_code": "prm.accounts.forms.RequestSignInCodeForm"}
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "prm.accounts.tokens.HostBoundPasswordResetTokenGenerator"
# Behind reverse proxies, the client IP that the limits count is the one the proxies set: the
# number of proxies you run that append to X-Forwarded-For, or the header one of them sets.
# 0 / unset: X-Forwarded-For is ignored (anyone can send it) and REMOTE_ADDR is used.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PRM"

# The languages of pages and emails; add one here and in locale/ (README: Languages).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Uploaded files (partner logos): never served as static files, only through views that check
# who may see them, so there is no MEDIA_URL.
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: the outbox table holds every message; this backend is what the outbox task sends with.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PRM <no-reply@prm.localhost>")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "prm.outbox.eml_backend.EmlEmailBackend"  # one .eml file per message, newest first
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # a hung mail server must not hold a worker
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)

# Celery: eager in process unless a Redis broker is configured.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "prm.api.authentication.ApiKeyAuthentication",
        "prm.api.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["prm.api.permissions.IsTenantMember"],
    "DEFAULT_SCHEMA_CLASS": "prm.api.schema.TenantApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "prm.api.pagination.ValidatedPageNumberPagination",
    # One error path: services' ValidationError/PermissionDenied → 400/403; non-field messages under "detail".
    "EXCEPTION_HANDLER": "prm.api.exceptions.api_exception_handler",
    "NON_FIELD_ERRORS_KEY": "detail",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["prm.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_KEY_RATE", default="600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM API",
    "DESCRIPTION": "Tenant-scoped REST API for CRM integration. Authenticate with "
    "`Authorization: Api-Key <key>` (keys are created by tenant admins) or a browser session.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "PartnerStatusEnum": "partners.models.PartnerStatus",
        "ApplicationStatusEnum": "partners.onboarding.models.ApplicationStatus",
        "ListedApplicationStatusEnum": "partners.onboarding.api_filters.LISTED_STATUSES",
        "ProfileChangeStatusEnum": "partners.profile_models.ChangeStatus",
        "ProfileFieldEnum": "partners.profile_models.SENSITIVE_CHOICES",
        "PaymentMethodEnum": "mdf.models.PaymentMethod",
        "ContentKindEnum": "partners.content.models.Kind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "prm.api.schema.add_error_answers"],
}

# Security: strict in production, relaxed for the plain-HTTP demo.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per eager task is noise in the embedded default; workers log their own.
    "loggers": {"celery.app.trace": {"level": "WARNING"}, "kombu": {"level": "WARNING"}},
}

# Absolute links in emails: <scheme>://<tenant host>[:PRM_PUBLIC_PORT]/…
PRM_URL_SCHEME = env.str("PRM_URL_SCHEME", default="https" if PRODUCTION else "http")
PRM_PUBLIC_PORT = env.str("PRM_PUBLIC_PORT", default="")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
# Eager mode (no broker, no beat): how often a request retries the due messages (prm/outbox/middleware.py).
OUTBOX_EAGER_RETRY_SECONDS = env.int("OUTBOX_EAGER_RETRY_SECONDS", default=30)
SURVEY_LINK_MAX_AGE_DAYS = env.int("SURVEY_LINK_MAX_AGE_DAYS", default=60)
