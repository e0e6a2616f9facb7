"""The one settings module, driven by environment variables (see .env.example).

Everything fails closed: DEBUG is off unless DJANGO_DEBUG says otherwise, and a
SECRET_KEY must be given whenever DEBUG is off.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env(name, default=""):
    """A variable's value; set but empty (`NAME=` as in .env.example) counts as not set."""
    return os.environ.get(name, "").strip() or default


def env_bool(name, default=False):
    value = env(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {os.environ[name]!r}.")


def env_list(name, default=()):
    value = env(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "`make run` and `make test` set one for you; see .env.example."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105 — DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # its OpClass in index expressions (the trigram indexes); harmless on SQLite
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "clinic",
    "sessions.apps.TreatmentSessionsConfig",
    "protocols",
    "research",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, answered before sessions, CSRF or the audit trail see the request.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise: static files keep their long cache; every other response is no-store.
    "clinic.middleware.PrivateResponsesMiddleware",
    "clinic.middleware.RefuseNulInQueryMiddleware",
    "clinic.middleware.RefuseOversizedBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The login page follows the browser's Accept-Language; a signed-in user's own choice wins (clinic.languages).
    "django.middleware.locale.LocaleMiddleware",
    # Inside SessionMiddleware, so the session it marks for saving is saved on the way out.
    "clinic.middleware.RefreshIdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.languages.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it says why the user has to sign in again.
    "clinic.middleware.AbsoluteSessionLifetimeMiddleware",
    # A password alone reaches only the second-factor pages (clinic/mfa.py).
    "clinic.mfa.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Several app servers behind one load balancer: each names itself, and every response says which one
# answered (outermost, so static files, redirects and error pages carry it too).
APP_SERVER_NAME = env("APP_SERVER_NAME")
if APP_SERVER_NAME:
    MIDDLEWARE.insert(0, "config.middleware.AppServerHeaderMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "clinic.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}"),
        conn_max_age=int(env("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The role that owns the tables (README, "Least privilege"): only `manage.py migrate` connects as it,
# to the same database; the application stays on DATABASE_URL's role, which cannot alter a table.
DATABASE_OWNER = dj_database_url.parse(env("DATABASE_OWNER_URL")) if env("DATABASE_OWNER_URL") else None
if DATABASE_OWNER and any(DATABASE_OWNER[key] != DATABASES["default"][key] for key in ("ENGINE", "NAME", "HOST")):
    raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same PostgreSQL database as DATABASE_URL.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 for new and changed passwords; older hashes are still read, and upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The second factor (clinic/mfa.py): required for every account unless each of its roles is listed here (and
# it is not staff); every page then says which roles go without. Research downloads and changes to one's own
# factors ask for it again after MFA_RECENT_SECONDS.
MFA_OPTIONAL_ROLES = env_list("DJANGO_MFA_OPTIONAL_ROLES")
MFA_RECENT_SECONDS = 10 * 60
OTP_TOTP_ISSUER = "Scalp Session Logger"
OTP_WEBAUTHN_RP_NAME = "Scalp Session Logger"
OTP_WEBAUTHN_RP_ID_CALLABLE = "clinic.mfa.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "clinic.mfa.SiteWebAuthnHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, after the password
# The allowed origin is the site as each request reached it (clinic.mfa.SiteWebAuthnHelper, from the host Django
# has checked against ALLOWED_HOSTS), not a fixed list: the check for such a list does not apply.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The interface's languages (README, "Languages"). What leaves for research never changes with them.
LANGUAGES = [
    ("en-gb", "English"),
    ("pt-br", "Português (Brasil)"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own short date formats per language (config/formats): English keeps ISO dates.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
# Bootstrap comes from the npm registry (package.json), never from a CDN: clinics are often offline.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/signature_pad", BASE_DIR / "node_modules" / "signature_pad" / "dist"),
]

# Clinical photos go to the "default" storage: files under MEDIA_ROOT, or a private S3-compatible bucket
# shared by several app servers (DJANGO_PHOTO_STORAGE=s3). There is deliberately no MEDIA_URL route
# and no public or presigned URL: photos are served only by a view that checks access and audits
# (sessions.views.photo_file), streamed from the storage.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
PHOTO_STORAGES = ("local", "s3")
PHOTO_STORAGE = env("DJANGO_PHOTO_STORAGE", "local").lower()
if PHOTO_STORAGE not in PHOTO_STORAGES:
    raise ImproperlyConfigured(f"DJANGO_PHOTO_STORAGE must be one of {list(PHOTO_STORAGES)}, not {PHOTO_STORAGE!r}.")
if PHOTO_STORAGE == "s3" and not env("S3_BUCKET"):
    raise ImproperlyConfigured("DJANGO_PHOTO_STORAGE=s3 needs S3_BUCKET, the private bucket the photos go to.")


def s3_photo_storage():
    """django-storages' S3 backend as the photos need it: private, encrypted at rest, never overwritten."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,  # None: AWS itself
            "region_name": env("S3_REGION", "us-east-1"),
            # Unset: boto3 looks further (instance role, ~/.aws), as it does for any AWS client.
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "object_parameters": {"ServerSideEncryption": "AES256"},
            "default_acl": None,  # objects take the bucket's own (private) access, never public-read
            "querystring_auth": True,  # any URL the backend makes is signed; the app itself makes none
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


STORAGES = {
    "default": (
        s3_photo_storage() if PHOTO_STORAGE == "s3" else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    # collectstatic writes hashed names (app.3f2a….css) and gzipped copies; WhiteNoise serves them with a
    # one-year Cache-Control, so a changed file gets a new name and no browser keeps an old one. Tests
    # render with the plain storage (tests/conftest.py); tests/config/test_static_manifest.py holds this one.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Requests larger than this are refused before they reach a view (bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_PHOTO_BYTES = int(env("MAX_PHOTO_BYTES", 25 * 1024 * 1024))
MAX_PHOTOS_PER_FORM = 30
# The largest body a form can need (every photo at its largest, and the fields): a longer Content-Length is
# refused with 413 before a byte of it is read (clinic.middleware). The reverse proxy caps it too (deploy/).
MAX_REQUEST_BYTES = MAX_PHOTOS_PER_FORM * MAX_PHOTO_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE
# A photo larger than MAX_PHOTO_BYTES is not stored past that size on its way in (sessions.uploads).
FILE_UPLOAD_HANDLERS = [
    "sessions.uploads.PhotoSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MAX_PHOTO_PIXELS = 40_000_000
# Pixels decoded for one request, all its photos together: a few kilobytes of PNG can decode to 40 megapixels
# (about a second and 300 MB each), and a form takes 30 photos. A full standard set of 12-megapixel photos
# (7 views, before and after) is 168 megapixels.
MAX_REQUEST_PIXELS = 200_000_000

# The key of the research export's pseudonyms. Keep it secret and unchanged: the same key gives
# the same pseudonyms in every export. Empty: derived from SECRET_KEY.
RESEARCH_PSEUDONYM_KEY = os.environ.get("RESEARCH_PSEUDONYM_KEY", "")  # used as it is, spaces too

# Exports written in the background (research/tasks.py): django-tasks' database backend, run by
# `manage.py db_worker` (`make run` starts one beside the server; deploy/systemd/scalp-worker.service in production).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A file matching more sessions than this is written in the background rather than streamed (bundles always are).
BACKGROUND_EXPORT_SESSIONS = int(env("RESEARCH_BACKGROUND_EXPORT_SESSIONS", "200000"))

# The key that seals the audit trail's rows and chains them (audit/integrity.py). Keep it secret, unchanged, and
# out of the database's backups: with it, whoever can write to the database could forge a trail that verifies.
# Empty: derived from SECRET_KEY.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# One process's memory is not shared by several app servers: with REDIS_URL the cache lives in Redis, and
# sessions are read from it and written through to the database. Without it: local memory and the database.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions end after 30 minutes without a request, and when the browser closes. The expiry is pushed
# ahead by clinic.middleware.RefreshIdleSessionMiddleware at most once a minute, not on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And, however active, 12 hours after signing in (a clinic's working day): clinic.middleware.
SESSION_ABSOLUTE_AGE = int(env("DJANGO_SESSION_ABSOLUTE_HOURS", "12")) * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS-only cookies, HSTS and the HTTP -> HTTPS redirect: on unless DEBUG, switched off only
# explicitly (DJANGO_HTTPS=0) for plain-HTTP test servers.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# The language chosen before sign-in (clinic.languages) is remembered for a year on that browser.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Browser features: none but passkeys (WebAuthn) and, on our own pages, the camera (photos taken at the chair).
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=(self)",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
        "usb=()",
    ]
)

# Every HTML page gets this policy; scripts run only from our own files or with the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes), for people: 5 failures for the same username from the same
# address lock that pair for 15 minutes; a successful login clears the count.
# Our own reverse proxies or load balancers (nginx, HAProxy): requests from these addresses carry the
# client's address as the last entry of X-Forwarded-For (audit trail and login throttling read it).
TRUSTED_PROXIES = frozenset(env_list("DJANGO_TRUSTED_PROXIES"))
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Usernames longer than a real one are cut before django-axes stores them (its column holds 255).
AXES_USERNAME_CALLABLE = "clinic.forms.username_for_axes"
# A user's own browser, once it has completed a sign-in, is never counted nor locked out (clinic/signin.py): an
# attacker sharing the clinic's address cannot keep the user out. And an address that failed this many times
# in the cool-off time, whatever the usernames, may not try another password from an untrusted browser.
AXES_WHITELIST_CALLABLE = "clinic.signin.axes_whitelist"
ADDRESS_FAILURE_LIMIT = 30
TRUSTED_BROWSER_DAYS = 90

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Exception messages can quote patient data (a duplicate key, a bad value): logs keep only the
    # exception's type and where it happened.
    "formatters": {
        "redacted": {"()": "clinic.logs.RedactingFormatter", "format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "redacted"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers for its loggers (the console one under DEBUG, mail to admins) would
        # write tracebacks unredacted: ours replace them.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes reports every reset at INFO; lockouts (WARNING) still show, and all are audited.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF it draws at INFO; what it could not draw still shows.
        "weasyprint": {"level": "WARNING"},
    },
}
