"""
Settings for newsportal, read from the environment.

One module for every deployment: the environment decides. Safe defaults make a
fresh clone work (SQLite in the project folder, local-memory cache), and
production refuses to start without a real secret key, because a per-process
random key would break sessions and CSRF across workers.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(every worker must share one key for sessions and CSRF)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS, on by default in production (``check --deploy`` is clean). Behind a
# proxy that terminates TLS, DJANGO_BEHIND_TLS_PROXY=1 trusts its
# X-Forwarded-Proto; DJANGO_HTTPS=0 is for serving plain HTTP on 127.0.0.1
# (``make serve``, benchmarks) and nowhere else.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_prose_editor",
    "axes",
    "newsportal",
    "articles.apps.ArticlesConfig",
]

# Order matters:
# - PageCacheMiddleware first: a hit is answered before anything else runs, and
#   a miss stores the page as the whole stack made it (converted, with security
#   headers); it sets the variant cookie on hits itself.
# - Security and WhiteNoise next: static files never touch sessions or conversion.
# - VariantMiddleware (a LocaleMiddleware) needs the session/cookies and must run
#   before CommonMiddleware so unprefixed URLs are redirected to a variant first.
# - ConversionMiddleware is last, so on the way out it is the first to see the
#   rendered page, and everything above it works on the converted bytes.
MIDDLEWARE = [
    "newsportal.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsportal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsportal.middleware.VariantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsportal.middleware.ConversionMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Admin login throttling (django-axes): failed logins are counted per client
# address in the database (so every app server agrees), the address being the
# one newsportal.clients trusts behind NEWSPORTAL_PROXY_HOPS proxies, never a
# client-sent X-Forwarded-For.
# Editors log in to the admin only; an unsafe ?next= falls back here, not to /accounts/profile/.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSPORTAL_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("NEWSPORTAL_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsportal.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

ROOT_URLCONF = "newsportal.urls"
WSGI_APPLICATION = "newsportal.wsgi.application"

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
                "newsportal.context_processors.variants",
                "newsportal.context_processors.site",
                "articles.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is away fails requests within seconds (a 503 page,
    # newsportal/errors.py) instead of holding workers until gunicorn kills them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Two sites sharing one Redis keep apart by prefix (the cache and the view tally).
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "newsportal")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsportal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
            # Short timeouts: with Redis gone, pages are rendered uncached, not held up.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The page cache (newsportal/page_cache.py): anonymous readers' public pages, kept
# this long on the server (purged exactly on every change); browsers and CDNs may
# keep them NEWSPORTAL_CDN_MAX_AGE seconds and serve them stale while refetching.
NEWSPORTAL_PAGE_CACHE = env_bool("NEWSPORTAL_PAGE_CACHE", True)
NEWSPORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSPORTAL_PAGE_CACHE_SECONDS", "300"))
NEWSPORTAL_CDN_MAX_AGE = int(os.environ.get("NEWSPORTAL_CDN_MAX_AGE", "60"))
NEWSPORTAL_CDN_STALE_SECONDS = int(os.environ.get("NEWSPORTAL_CDN_STALE_SECONDS", "300"))

# Sessions live in the database so two app servers agree on who is logged in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The script variants readers can choose. The first one is the default. Django
# accepts a code only if some gettext catalogue exists for it (check_for_language),
# so each has one in locale/ (zh_Hans, zh_Hant, zh_TW, zh_HK), compiled and kept.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体"),
    ("zh-hant", "繁體"),
    ("zh-tw", "臺灣"),
    ("zh-hk", "香港"),
]
LANGUAGE_COOKIE_NAME = "variant"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
# Where collectstatic puts the hashed, compressed files WhiteNoise serves.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bigger uploads are spooled to a file here (default: the system's temporary folder).
# A worker killed mid-upload leaves its part behind: production may give them a folder
# of their own that something empties (systemd-tmpfiles, a cron job).
FILE_UPLOAD_TEMP_DIR = os.environ.get("DJANGO_FILE_UPLOAD_TEMP_DIR") or None
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Uploaded images (articles/images.py): refused above these limits, before decoding.
NEWSPORTAL_IMAGE_MAX_BYTES = int(os.environ.get("NEWSPORTAL_IMAGE_MAX_MB", "15")) * 1024 * 1024
NEWSPORTAL_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSPORTAL_IMAGE_MAX_PIXELS", "40000000"))
# Text drawn bottom right on image renditions (never on the stored original); blank: none.
NEWSPORTAL_WATERMARK = os.environ.get("NEWSPORTAL_WATERMARK", "").strip()

# Reader views (articles/view_counts.py): written to the database at most this often
# per process; behind N trusted proxies the reader's address is N from the right
# of X-Forwarded-For (for telling repeat views apart).
NEWSPORTAL_VIEW_FLUSH_SECONDS = int(os.environ.get("NEWSPORTAL_VIEW_FLUSH_SECONDS", "60"))
NEWSPORTAL_PROXY_HOPS = int(os.environ.get("NEWSPORTAL_PROXY_HOPS", "0"))

TAGGIT_CASE_INSENSITIVE = True
# Editors separate tags with Chinese commas and 、 as often as with ASCII commas.
TAGGIT_TAGS_FROM_STRING = "articles.text.parse_tags"

SITE_NAME = os.environ.get("NEWSPORTAL_SITE_NAME", "新闻门户")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMIN_SITE_HEADER = _("新闻门户 · 编辑部")
