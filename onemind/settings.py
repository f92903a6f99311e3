"""Settings for the One Mind Pledge Tracker.

Every value comes from the environment. With nothing set, the product runs on embedded
defaults (SQLite, a broker that needs no server, email to the console); production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS and the EMAIL_* variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE (secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# Behind TLS in production: redirects, secure cookies and HSTS all follow from this one switch.
HTTPS = envbool("HTTPS", False)

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and envbool("REQUIRE_SECRET_KEY", HTTPS):
        raise RuntimeError("SECRET_KEY must be set in production (HTTPS=true).")
    SECRET_KEY = "insecure-local-only-key-" + "x" * 40  # noqa: S105 - local quick start only

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "onemind.apps.OneMindAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram indexes (migration 0005 of agencies), on PostgreSQL
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_countries",
    "agencies",
    "training",
    "partnerships",
    "pledges",
    "assistance",
]

MIDDLEWARE = [
    "onemind.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "onemind.middleware.PrivatePagesMiddleware",
    "agencies.middleware.RequestContextMiddleware",
    "agencies.middleware.SessionLimitsMiddleware",
    "agencies.middleware.StaffMFAEnrolmentMiddleware",
    "agencies.middleware.AgencyTenancyMiddleware",
    "agencies.middleware.RegionScopeMiddleware",
    "agencies.middleware.StaffAreaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onemind.urls"
WSGI_APPLICATION = "onemind.wsgi.application"
ASGI_APPLICATION = "onemind.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.navigation",
                "agencies.context_processors.support",
                "onemind.navigation.menu",
            ],
            # `{% load dates %}`: dates written one way everywhere (onemind.lib.dates).
            "libraries": {"dates": "onemind.lib.date_filters"},
        },
    },
]
# Project templates may override Django's widget templates (USWDS classes on inputs).
FORM_RENDERER = "onemind.forms.USWDSFormRenderer"

# Database: SQLite by default; PostgreSQL by setting DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def database(url: str) -> dict:
    """A connection from its URL, kept open between requests and checked before reuse."""
    return dj_database_url.parse(
        url, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )


DATABASES = {"default": database(env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onemind.sqlite3'}"))}
if env("DATABASE_REPLICA_URL"):
    # A streaming replica of the primary, read by staff dashboards (onemind/routers.py).
    DATABASES["replica"] = {
        **database(env("DATABASE_REPLICA_URL")),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["onemind.routers.ReplicaRouter"]
for alias in DATABASES:
    if DATABASES[alias]["ENGINE"] == "django.db.backends.postgresql":
        # Pages run short queries whose correlated subqueries PostgreSQL overestimates; its
        # JIT then spends longer compiling than the query takes (it doubled the directory's
        # time). A database that does not answer fails a connection in seconds, not after
        # the minutes of the operating system's own timeout.
        DATABASES[alias]["OPTIONS"] = {
            "options": f"-c jit={env('DB_JIT', 'off')}",
            "connect_timeout": envint("DB_CONNECT_TIMEOUT", 5),
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between processes (sign-in throttling by client address, rate limits, the
# staff standing, the dashboard's figures). On Redis in production, through a backend
# that takes an outage for an empty cache (onemind.cache), with short socket timeouts so a
# dead Redis costs a request a fraction of a second at most: pages go on from the database.
REDIS_URL = env("REDIS_URL")


def redis_cache(url: str) -> dict:
    """The shared cache on the Redis at `url`."""
    return {
        "BACKEND": "onemind.cache.OutageTolerantRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "onemind"),
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis in production; kombu's filesystem transport for the quick start, so that
# background jobs still run in a separate worker process.
CELERY_BROKER_DIR = VAR_DIR / "celery"
# Tasks are sent on commit, inside the request: a dead broker must fail a send fast, and its
# caller logs it and moves on. Connecting gives up after half a second and a command after
# one, so a send fails within a second when Redis is gone and two when it hangs. (A worker's
# BRPOP, which waits up to a second on an empty queue, is read only once its answer has
# arrived, so the timeout never cuts it short.)
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1,
}
# One immediate retry, for a connection that broke since the last send; Celery's default
# (three more, over 0.6 s) only delays the failure when the broker is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Authentication
AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # allauth's sign-in; the signed-in user read from the cache on each request.
    "agencies.auth_backends.CachedUserBackend",
    # Grants a subject-matter expert's one permission while their access lasts.
    "assistance.experts.backends.ExpertBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# The pages `home` sends people to, by URL name: an agency's members to its dashboard (given
# the agency's `agency_slug`), program staff to the review queue, where their work waits
# (the agency list is one link away in the staff navigation). Named here, by the project,
# because `agencies` (which serves `home`) knows no page of the apps above it.
AGENCY_HOME_URL = "agency_dashboard"
STAFF_HOME_URL = "staff:review_queue"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if envbool("FAST_PASSWORD_HASHER", False):  # test suites only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ACCOUNT_ADAPTER = "agencies.adapters.AccountAdapter"
# An address added to an account but never confirmed blocks nobody: its owner can sign up
# with it (the account that added it loses it), and password resets skip it.
ACCOUNT_FORMS = {
    "signup": "agencies.forms.SignupForm",
    "reset_password": "agencies.forms.ResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[One Mind] "
# Per-address failures are counted by the lockout (agencies.lockout), which staff and
# coordinators can release; allauth keeps only its per-IP limit against spraying.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "One Mind Pledge Tracker"
# A code typed in the last seconds of its 30-second step reaches the server in the next one:
# accept one step back, as RFC 6238 §5.2 recommends for transmission delay (and no more).
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Lockout (CJIS Security Policy AC-7): this many failures within the window lock the account.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

# Sessions: idle ones end after 30 minutes, every one after 12 hours (SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database alone (one primary-key read a request): a copy in the cache
# could outlive a sign-out made while Redis was unreachable and come back with Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Over HTTPS the cookies carry the __Host- prefix (ASVS 3.3.1): the browser accepts them only
# when Secure, for this exact host and path "/", so a sibling subdomain cannot plant or
# overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
# Flash messages ride in the session rather than in a cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Invitations
INVITATION_VALID_DAYS = 7

# Public certificate verification (by number or link): lookups one client may make a minute.
VERIFY_LOOKUPS_PER_MINUTE = envint("VERIFY_LOOKUPS_PER_MINUTE", 30)

# The certificate: the program's name as this deployment states it, and who issues and signs
# it, printed only when configured (a deployment left unconfigured claims no organization's
# name nor anyone's signature). Signatories: "Name, Title; Name, Title".
PROGRAM_NAME = env("PROGRAM_NAME", "One Mind Campaign pledge")
CERTIFICATE_ISSUER = env("CERTIFICATE_ISSUER")
CERTIFICATE_SIGNATORIES = [
    entry.strip() for entry in env("CERTIFICATE_SIGNATORIES").split(";") if entry.strip()
]

# Imports: a running import renews its lease every third of this; one not renewed for this
# long lost its worker, and the sweep runs it again (up to IMPORT_MAX_ATTEMPTS runs).
IMPORT_LEASE_SECONDS = envint("IMPORT_LEASE_SECONDS", 120)
IMPORT_MAX_ATTEMPTS = envint("IMPORT_MAX_ATTEMPTS", 3)

# Dates and times in program staff's emails (agencies' own emails use each agency's zone).
PROGRAM_TIME_ZONE = env("PROGRAM_TIME_ZONE", "America/New_York")

# Security headers
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 63072000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Email: console in the quick start; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "One Mind Pledge Tracker <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write when an account email does not arrive: named on the "check your email"
# page and in account emails (left out where unset).
SUPPORT_EMAIL = env("SUPPORT_EMAIL")
if env("EMAIL_HOST"):
    email_port = envint("EMAIL_PORT", 587)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": email_port,
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", email_port == 587),
                "use_ssl": envbool("EMAIL_USE_SSL", email_port == 465),
                "timeout": envint("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": env("EMAIL_BACKEND", "onemind.mail.ReadableConsoleBackend")}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STORAGES = {
    # Uploaded documents: never under a public URL; served by permission-checked views.
    "default": {
        "BACKEND": "onemind.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        # Hashed, compressed files after collectstatic in production; straight from the
        # source folders in the quick start and tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", HTTPS)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
if env("STORAGE_BUCKET"):
    # Uploaded documents in an S3-compatible bucket (AWS S3, MinIO, …), for several web and
    # worker machines: private objects, never overwritten, still served only by the views.
    STORAGES["default"] = {
        "BACKEND": "onemind.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env("STORAGE_BUCKET"),
            "endpoint_url": env("STORAGE_ENDPOINT_URL") or None,
            "region_name": env("STORAGE_REGION") or None,
            "location": env("STORAGE_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
# Whole request bodies; each upload is further capped at 20 MB by the forms.
MAX_REQUEST_BYTES = envint("MAX_REQUEST_MB", 25) * 2**20
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = not envbool("STATIC_MANIFEST", HTTPS)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The API: requests per minute per API token (fixed one-minute windows in the shared cache).
API_REQUESTS_PER_MINUTE = envint("API_REQUESTS_PER_MINUTE", 600)
# Single sign-on (agencies.sso): each agency's OpenID Connect provider, approved by program
# staff, served to allauth as an app `agency-<slug>` built from agencies_ssoconnection.
SOCIALACCOUNT_ADAPTER = "agencies.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "agencies.sso.provider.AgencyOpenIDConnectProvider"},
}
# Sign-ins create the account (the provider vouches for the address), without a form.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# An existing account is signed in (and linked) only by an address the provider says it
# verified (agencies.sso.adapter decides, per connection); its password is kept only when the
# account's own address was confirmed too.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = envint("SSO_REQUESTS_TIMEOUT", 5)
# Discovery, keys and tokens are fetched over HTTPS only; plain HTTP to a loopback address
# is allowed when this is set (the tests' provider runs on 127.0.0.1).
SSO_ALLOW_HTTP_LOOPBACK = envbool("SSO_ALLOW_HTTP_LOOPBACK", False)
# Webhooks go only to https URLs on public addresses (agencies.webhooks.network). These
# relax that for a receiver on this machine, in tests and development; never in production.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = envbool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOKS_ALLOW_HTTP = envbool("WEBHOOKS_ALLOW_HTTP", False)
# The certificate authorities a webhook receiver's certificate is checked against: the
# system's when unset; a file of PEM certificates otherwise (a private CA, or tests).
WEBHOOKS_CA_BUNDLE = env("WEBHOOKS_CA_BUNDLE")
