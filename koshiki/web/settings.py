"""Koshiki's one settings module: every deployment difference comes from the environment.

Environment variables (all optional for a local run):

- ``SECRET_KEY``: the signing key; when unset, a random key is generated once
  and kept in ``$KOSHIKI_DATA_DIR/secret_key`` (mode 0600), so no deployment
  ever runs on a key published in this repository.
- ``DEBUG``: ``1``/``true`` to turn on Django's debug pages (default off).
- ``ALLOWED_HOSTS``: comma-separated host names (default ``127.0.0.1,localhost``).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/koshiki``; default is SQLite
  at ``$KOSHIKI_DATA_DIR/koshiki.sqlite3``.
- ``KOSHIKI_DATA_DIR``: where the SQLite file lives (default ``./data``).
- ``KOSHIKI_SERVE_STATIC``: serve /static/ from Django itself (default on: a
  single machine in a closed network has no separate web server; turn off
  behind nginx/IIS).
- ``SECURE_COOKIES``: ``1`` when served over HTTPS (secure session/CSRF cookies).
- ``CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://sns.city.example.lg.jp``)
  the HTTPS front server answers for; needed when TLS ends at a proxy on another host.
- ``SECURE_PROXY_SSL_HEADER``: ``1`` to trust ``X-Forwarded-Proto: https`` from the
  front server (only behind a proxy that sets or strips it).
- ``KOSHIKI_TRUSTED_PROXIES``: comma-separated addresses or networks (``10.0.0.5,10.1.0.0/24``)
  of the reverse proxies whose ``X-Forwarded-For`` names the client for the login throttles
  (default empty: ``REMOTE_ADDR``, the header ignored).
- ``KOSHIKI_LIVE_CHECK_PER_MINUTE`` (120), ``KOSHIKI_CAMPAIGN_SUBMISSIONS`` (10) and
  ``KOSHIKI_CAMPAIGN_CHECKS`` (30 per 10 minutes): the throttles of koshiki.ui.throttle
  (counted in the database, or in Redis with ``KOSHIKI_CACHE_URL``).
- ``SECURE_SSL_REDIRECT``: ``1`` to redirect http to https (default off: LGWAN sites
  often end TLS at the front server, which redirects itself).
- ``SECURE_HSTS_SECONDS``: HSTS max-age (default 0, off); ``SECURE_HSTS_INCLUDE_SUBDOMAINS``
  and ``SECURE_HSTS_PRELOAD`` (default off).
- ``KOSHIKI_AUDIT_KEY`` or ``KOSHIKI_AUDIT_KEY_FILE``: the HMAC key of the audit chain,
  kept outside the database (default: generated once in ``$KOSHIKI_DATA_DIR/audit_key``).
- ``KOSHIKI_AUDIT_KEYED_FROM``: the first audit sequence number keyed with it (default 1).
- ``KOSHIKI_CACHE_URL``: the cache of the public directory's rendered bodies and, when set,
  of the throttles' counters (default empty: each worker process's memory for the bodies and
  the database for the counters; ``redis://host:6379/0`` shares one cache between workers
  and hosts; needs the ``redis`` package, ``pip install 'koshiki[redis]'``).
- ``KOSHIKI_PUBLIC_CACHE_DIR``: without ``KOSHIKI_CACHE_URL``, a directory where the workers of
  one host share the public pages' rendered bodies, a relative path being under
  ``$KOSHIKI_DATA_DIR`` (the production server sets ``public-cache`` unless given; empty:
  each worker keeps its own).
- ``KOSHIKI_PUBLIC_VERSION_SECONDS``: how long each worker keeps the public pages' registry
  version before asking the database again (default 1; 0: every request).
- ``KOSHIKI_EXPORT_DIR``: where background audit exports are written (default
  ``$KOSHIKI_DATA_DIR/exports``).
- ``KOSHIKI_IDLE_MINUTES``: minutes without a request after which a staff session ends
  (default 30).
- ``KOSHIKI_TOTP_ISSUER``: the name authenticator apps show beside the login ID (default ``Koshiki``).
- ``LOG_LEVEL`` (default ``WARNING``) and ``LOG_FORMAT`` (``json``, one JSON object per
  line on stdout, or ``text``; default ``text``).

See docs/deploy.md for the production set-up.

Nothing here reaches the network: the app runs offline (LGWAN / 三層分離).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# No "testserver" here: Django's test set-up adds it for test runs only, and a production
# host list must not accept a Host header nobody configured (absolute links are built from it).

DATA_DIR = Path(os.environ.get("KOSHIKI_DATA_DIR") or BASE_DIR / "data")


def _secret_key(path: Path) -> str:
    """The key from the environment, else one generated once and kept beside the data."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not path.exists():
        import secrets
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(50))
        try:
            # Atomic publish: when two processes start at once, the first link wins
            # and both read the same key below.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key(DATA_DIR / "secret_key")


def _audit_key() -> bytes:
    """The audit chain's HMAC key: KOSHIKI_AUDIT_KEY, else the file KOSHIKI_AUDIT_KEY_FILE names.

    Neither set: a key generated once in ``$KOSHIKI_DATA_DIR/audit_key`` (fine for a
    single machine; docs/deploy.md asks production to keep it apart from the database).
    """
    key = os.environ.get("KOSHIKI_AUDIT_KEY", "").strip()
    if key:
        return key.encode("utf-8")
    path = os.environ.get("KOSHIKI_AUDIT_KEY_FILE", "").strip()
    if path:
        return Path(path).read_text(encoding="utf-8").strip().encode("utf-8")
    return _secret_key_file(DATA_DIR / "audit_key").encode("utf-8")


def _secret_key_file(path: Path) -> str:
    """A random key generated once in ``path`` (mode 0600), read back."""
    saved = os.environ.pop("SECRET_KEY", None)
    try:
        return _secret_key(path)
    finally:
        if saved is not None:
            os.environ["SECRET_KEY"] = saved


AUDIT_HMAC_KEY = _audit_key()
AUDIT_KEYED_FROM = int(os.environ.get("KOSHIKI_AUDIT_KEYED_FROM", "1") or 1)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Floors from the ground up (tests/test_layers.py checks that no import runs up them).
    "koshiki.ui",
    "koshiki.org",
    "koshiki.audit",
    "koshiki.notify",
    "koshiki.citysettings",
    "koshiki.registry",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "koshiki.security",
    "koshiki.attachments",
    "koshiki.posts",
    "koshiki.campaigns",
    "koshiki.api",
    "koshiki.directory",
    "koshiki.people",
    "koshiki.duties",
    "koshiki.committees",
    "koshiki.selfcheck",
    "koshiki.documents",
    "koshiki.incidents",
    "koshiki.comments",
    "koshiki.home",
    "koshiki.ops",
    "koshiki.web",
]

SERVE_STATIC = _flag("KOSHIKI_SERVE_STATIC", default=True)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app server itself (whitenoise), unless a front server serves them.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if SERVE_STATIC else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified() (django-otp), then the idle timeout and the second factor.
    "django_otp.middleware.OTPMiddleware",
    "koshiki.security.middleware.IdleTimeoutMiddleware",
    "koshiki.security.middleware.SecondFactorMiddleware",
    # After the second factor: a person proves who they are, then replaces a password someone else chose.
    "koshiki.people.password.InitialPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "koshiki.web.middleware.ContentSecurityPolicyMiddleware",
    "koshiki.web.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "koshiki.web.urls"
WSGI_APPLICATION = "koshiki.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "koshiki.home.context.site",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "koshiki.sqlite3",
            # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so
            # two writers queue instead of one failing half-way (SQLite has no
            # row locks; select_for_update is a no-op there).
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache: the throttles' counters (koshiki.ui.throttle) and the public directory's bodies, cached
# per registry version (koshiki.directory.cache; a stale entry is never read, the version is in its key).
_cache_url = os.environ.get("KOSHIKI_CACHE_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url, "TIMEOUT": 3600}
        if _cache_url
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}
# Where the request throttles count (koshiki.ui.throttle): Redis when configured, else the database
# (never a worker's own memory, where five workers would give five limits).
KOSHIKI_THROTTLE_STORE = "cache" if _cache_url else "database"
# Without Redis, the production server (koshiki.web.gunicorn_conf) points KOSHIKI_PUBLIC_CACHE_DIR
# at $KOSHIKI_DATA_DIR/public-cache: the public bodies rendered by one worker are then read by
# the others and by the workers that replace them (max_requests), so a 3,000-account list is
# rendered once per host and version instead of once per worker (koshiki.directory.cache).
_public_cache_dir = os.environ.get("KOSHIKI_PUBLIC_CACHE_DIR", "").strip()
if _public_cache_dir and not _cache_url:
    CACHES["public"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / _public_cache_dir),  # a relative path is under DATA_DIR
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
# Seconds each worker keeps the public pages' registry version (koshiki.directory.cache): a change
# made in another worker reaches anonymous readers within this time; 0 asks the database every time.
PUBLIC_VERSION_SECONDS = float(os.environ.get("KOSHIKI_PUBLIC_VERSION_SECONDS") or 1.0)
EXPORT_DIR = Path(os.environ.get("KOSHIKI_EXPORT_DIR") or DATA_DIR / "exports")

# Argon2 first (issue 3.2); the others only verify hashes made elsewhere.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # City staff passwords guard citizens' data and the city's official voice: 12 characters at least.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Django's list hardly covers 12+ characters: zxcvbn's estimate, the city's and the product's names.
    {"NAME": "koshiki.people.passwords.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Images and videos attached to drafts (koshiki.attachments): a storage of their own, never
# served as static or media files; every byte goes out through a view that checks access.
# KOSHIKI_MEDIA_STORAGE names another Django storage backend (a city's own file server,
# an S3-compatible store inside LGWAN); its OPTIONS come from KOSHIKI_MEDIA_STORAGE_OPTIONS (JSON).
MEDIA_STORAGE_DIR = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "koshiki_media": {
        "BACKEND": os.environ.get("KOSHIKI_MEDIA_STORAGE") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": (
            json.loads(os.environ["KOSHIKI_MEDIA_STORAGE_OPTIONS"])
            if os.environ.get("KOSHIKI_MEDIA_STORAGE_OPTIONS")
            else {"location": str(MEDIA_STORAGE_DIR)}
        ),
    },
}
# Uploads above 2.5 MB spool to a temporary file; no attached file may exceed this size.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
KOSHIKI_MEDIA_MAX_BYTES = int(os.environ.get("KOSHIKI_MEDIA_MAX_MB") or 512) * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KOSHIKI_STATIC_ROOT") or BASE_DIR / "staticfiles")
# whitenoise serves STATIC_ROOT (after ``collectstatic``) under gunicorn; without a
# collected folder (runserver, tests) it finds files in the apps, as Django's own view did.
WHITENOISE_USE_FINDERS = not STATIC_ROOT.is_dir()
if WHITENOISE_USE_FINDERS:
    warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
# A staff session ends after this many minutes without a request (issue 10 item 6, ASVS 7.3.1).
KOSHIKI_IDLE_MINUTES = int(os.environ.get("KOSHIKI_IDLE_MINUTES", "30") or 30)
if KOSHIKI_IDLE_MINUTES < 1:
    raise ValueError("KOSHIKI_IDLE_MINUTES must be 1 or more")
# The second factor (koshiki.security, django-otp): the name authenticator apps show, and
# the back-off after failed codes (2^(n-1) × factor seconds after n failures in a row).
OTP_TOTP_ISSUER = os.environ.get("KOSHIKI_TOTP_ISSUER", "").strip() or "Koshiki"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("SECURE_COOKIES")
# The pages send the CSRF token from the form field (editor.js too), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Behind an HTTPS front server (docs/deploy.md): the origins it answers for, and whether
# its X-Forwarded-Proto header is trusted; a login POST through the proxy needs both.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
if _flag("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client for
# the login throttles (koshiki.home.login); empty: REMOTE_ADDR is the client, the header is ignored.
KOSHIKI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("KOSHIKI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Throttles (koshiki.ui.throttle; issue 10 item 6): the live check per person and minute, the
# third party's link per link and per address: submissions and checks per window (seconds).
KOSHIKI_LIVE_CHECK_PER_MINUTE = int(os.environ.get("KOSHIKI_LIVE_CHECK_PER_MINUTE") or 120)
KOSHIKI_CAMPAIGN_SUBMISSIONS = int(os.environ.get("KOSHIKI_CAMPAIGN_SUBMISSIONS") or 10)
KOSHIKI_CAMPAIGN_CHECKS = int(os.environ.get("KOSHIKI_CAMPAIGN_CHECKS") or 30)
KOSHIKI_CAMPAIGN_WINDOW = 600
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: a campaign's submission link (its token is in the path) never leaks to other sites.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# koshiki.web.middleware: scripts and styles only from /static/, no framing, forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
# Request bodies: a post is at most 65,000 characters (~600 KB form-encoded); larger
# bodies get the Japanese 400 page before any view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Mail (notifications): any SMTP host, e.g. the city's LGWAN relay. Without EMAIL_HOST the
# console backend prints mails to the server log (the demo). koshiki.notify sends after commit
# and retries from the outbox, so a slow or broken relay never blocks an action for long.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 10
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "koshiki@localhost")
# The address mails link to (「次のページで確認してください」).
KOSHIKI_BASE_URL = os.environ.get("KOSHIKI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Submission-link tokens in request paths never reach a log (koshiki.web.logfilters).
    "filters": {"redact_secrets": {"()": "koshiki.web.logfilters.RedactSecretsFilter"}},
    "formatters": {"json": {"()": "koshiki.web.logfilters.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact_secrets"],
            **({"formatter": "json"} if os.environ.get("LOG_FORMAT", "text").strip() == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Replace Django's own handlers (its debug console, runserver's request log) with the
    # filtered one: "Not Found: /posts/submit/<token>/" must not print the token.
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "koshiki": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
