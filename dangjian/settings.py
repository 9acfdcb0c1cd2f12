"""Settings for dangjian. Everything comes from the environment (see .env.example).

Production is the default: unless DEBUG=1 is set (``make run`` and the test settings
set it), the app refuses to start without SECRET_KEY, FIELD_ENCRYPTION_KEY and
ALLOWED_HOSTS. Without DATABASE_URL it runs on SQLite in the project directory.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
# The environment wins over the file; DANGJIAN_ENV_FILE names another file (or a missing one: none).
ENV_FILE = Path(env.str("DANGJIAN_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

# Off unless asked for: a server that forgot to set it must not run with a public key and debug pages.
DEBUG = env.bool("DEBUG", default=False)
# The mode the process started in (the test runner later turns DEBUG off): only development may
# fall back to a key derived from the public development secret (core.crypto).
DANGJIAN_DEVELOPMENT = DEBUG
_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else _DEV_SECRET)
# Citizen ID numbers are stored encrypted with this key (Fernet, urlsafe base64, 32 bytes).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode (DEBUG unset or 0) requires SECRET_KEY (a random string of at least 32 "
            "characters); for development set DEBUG=1 (make run does). "
            "生产模式（未设置 DEBUG 或 DEBUG=0）需要设置 SECRET_KEY（至少 32 个字符的随机字符串）；"
            "开发时请设置 DEBUG=1（make run 已自动设置）。"
        )
    if not FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured(
            "Production mode (DEBUG unset or 0) requires FIELD_ENCRYPTION_KEY (it encrypts citizen ID "
            "numbers). 生产模式需要设置 FIELD_ENCRYPTION_KEY（用于加密身份证号）。"
        )
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured(
            "Production mode (DEBUG unset or 0) requires ALLOWED_HOSTS. 生产模式需要设置 ALLOWED_HOSTS。"
        )
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# HTTPS: redirect plain HTTP to HTTPS and tell browsers to use only HTTPS for this many seconds
# (HSTS). Off by default: many intranets run on plain HTTP; turn on once TLS works (31536000 = a year).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
# Every page's Content-Security-Policy (core.middleware.SecurityHeadersMiddleware): scripts, styles,
# fonts and images only from the app itself, no inline scripts. Style attributes stay allowed
# (ECharts tooltips and Swagger UI set them); <style> elements do not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.notices",
    "dangjian.ledger",
    "dangjian.talks",
    "dangjian.reviews",
    "dangjian.supervision",
    "dangjian.extract",
    "dangjian.orglife",
    "dangjian.village",
    "dangjian.indicators",
    "dangjian.devel",
]

MIDDLEWARE = [
    "dangjian.core.ops.RequestIdMiddleware",
    "dangjian.core.params.ParamsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dangjian.core.middleware.SecurityHeadersMiddleware",
    "dangjian.core.middleware.SlidingSessionMiddleware",
    "dangjian.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "dangjian.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.core.middleware.AuditMiddleware",
    "dangjian.core.middleware.FocusMiddleware",
    "dangjian.accounts.middleware.PasswordAgeMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production the app serves its own (vendored) static files; runserver does it in development.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"
ASGI_APPLICATION = "dangjian.asgi.application"

# <select> and <input> written in Python, every other form template by Django (dangjian.core.forms.FormRenderer).
FORM_RENDERER = "dangjian.core.forms.FormRenderer"

TEMPLATES = [
    {
        # Django's backend, with {% load i18n %} and {% load static %} loading Django's tags with a quoted
        # {% translate %} and {% static %} written once instead of on every page (dangjian/core/templating.py).
        "BACKEND": "dangjian.core.templating.Templates",
        "NAME": "django",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dangjian.core.context_processors.shell",
            ],
            # {% url %} with the URLs of list rows reversed once (core/templatetags/core_urls.py), the date and
            # truncatechars filters without their per-row work (core/templatetags/core_filters.py) and
            # {% csrf_token %} written once per rendering (core/templatetags/core_csrf.py).
            "builtins": [
                "dangjian.core.templatetags.core_urls",
                "dangjian.core.templatetags.core_filters",
                "dangjian.core.templatetags.core_csrf",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers and one writer work together; IMMEDIATE avoids "database is locked"
            # upgrades in the middle of a write transaction. A page cache of up to 64 MiB a connection
            # (SQLite's default is 2 MiB, filled only as pages are read): a 100 000-row import updates
            # the roll's indexes in place instead of re-reading their pages from the file (write 6.6 s → 4.3 s).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                "PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env.str("SQLITE_TEST_NAME", default="") or None}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
PG_OPTIONS = "-c jit=off -c work_mem=32MB"
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Persistent connections (checked before reuse): no new PostgreSQL connection on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0 if DEBUG else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: the roll-ups' and dashboards' grouped queries cross PostgreSQL's JIT cost threshold at city
    # and province scale, and compiling them cost seconds per page (8 s of a province home page's 8.4 s)
    # for queries that then run in milliseconds. work_mem 32 MB (PostgreSQL's default is 4): a province's
    # roll-up grouped its items in a sort spilled to disk where a hash in memory does (245 → 178 ms at a
    # fifth of the province). DB_PG_OPTIONS may set other session parameters.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env.str("DB_PG_OPTIONS", default=PG_OPTIONS)
    # The queries asked on every request (core.prepared: the session, the user, a token, kept queries…) as
    # server-side prepared statements, planned once per connection. Off (DB_PREPARED_STATEMENTS=0) behind a
    # pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21, or without
    # max_prepared_statements).
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2
# Heavy read-only reports on a replica when one is configured (core.dbrouter; docs/operations.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = env.str(
            "DB_PG_OPTIONS", default=PG_OPTIONS
        )
        if env.bool("DB_PREPARED_STATEMENTS", default=True):
            DATABASES["replica"]["OPTIONS"]["prepare_threshold"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dangjian.core.dbrouter.ReplicaRouter"]
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=30)
# Scopes of more organisations than this count and list their health warnings from the daily run's record
# (orgs.OrgWarning); narrower ones reckon them live on every visit.
WARNINGS_LIVE_MAX_ORGS = env.int("WARNINGS_LIVE_MAX_ORGS", default=3000)
# The organisation tree of a subtree of more organisations than this (a city, a province) shows its members
# as the daily run counted them (orgs.MemberTally) instead of counting millions of members on each visit.
MEMBERS_LIVE_MAX_ORGS = env.int("MEMBERS_LIVE_MAX_ORGS", default=3000)
# A list counts its rows exactly up to this many; beyond, it says "more than" (core.pagination).
LIST_COUNT_MAX = env.int("LIST_COUNT_MAX", default=100_000)
# Weak-organisation suggestions judge every branch of the user's scope up to this many (a county has ≈ 700);
# a wider scope (a city, a province) is asked to focus on part of it first.
WEAK_SUGGEST_MAX_BRANCHES = env.int("WEAK_SUGGEST_MAX_BRANCHES", default=3000)
# A roll-up whose subtree holds more organisations than this (a city, a province) shows the month so far as
# the daily run saved it (ledger.RollupSnapshot) instead of counting every item on each visit.
ROLLUP_LIVE_MAX_ORGS = env.int("ROLLUP_LIVE_MAX_ORGS", default=3000)
# Indicators of months that have ended, kept by the daily run (core.IndicatorRecord) for the organisations
# whose subtree holds at least INDICATOR_RECORD_MIN_ORGS organisations, over the last INDICATOR_RECORD_MONTHS
# months; a month is worked out again each night for INDICATOR_SETTLE_DAYS days after its end, then kept.
INDICATOR_RECORD_MIN_ORGS = env.int("INDICATOR_RECORD_MIN_ORGS", default=100)
INDICATOR_RECORD_MONTHS = env.int("INDICATOR_RECORD_MONTHS", default=13)
INDICATOR_SETTLE_DAYS = env.int("INDICATOR_SETTLE_DAYS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dangjian.accounts.backends.ModelBackend",  # Django's, the signed-in user read by a compiled query
]
# MLPS 2.0 level 3 (等保三级) password complexity; docs/security.md lists every control.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "dangjian.accounts.passwords.ForbiddenWordsValidator"},
]
# A password older than this many days must be changed before anything else (0: never).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
# API tokens (accounts.ApiToken) expire this many days after they are issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES without a request (sliding window, moved at most once a minute:
# core.middleware.SlidingSessionMiddleware, with core.sessions knowing the stored expiry).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ENGINE = "dangjian.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lockout counts failures per address as core.middleware.client_address finds it (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "dangjian.core.middleware.client_address"

# How many reverse proxies (nginx, a load balancer) stand in front of the app. 0: the app is reached
# directly and the address is REMOTE_ADDR; 1: behind one nginx, the address nginx appended to
# X-Forwarded-For. Never more than there really are: the client writes the entries in front of them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Largest accepted upload (roster files, evidence); larger files are refused with a message.
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=20)
# The largest sheet an import reads (core.spreadsheets checks them before any reader allocates memory):
# rows, columns, rows × columns of the used rectangle, and the size of the unpacked .xlsx/.ods.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=4_000_000)
IMPORT_MAX_UNZIPPED_MB = env.int("IMPORT_MAX_UNZIPPED_MB", default=300)
# Uploaded roster/item files wait here between preview and confirmation. With several app
# servers this must be a shared directory that the web server does not serve.
IMPORT_PENDING_DIR = env.path("IMPORT_PENDING_DIR", default=Path(tempfile.gettempdir()) / "dangjian-imports")
# How long a checked file waits for its confirmation (and, once confirmed, for a worker to pick it up).
IMPORT_PENDING_MAX_AGE = env.int("IMPORT_PENDING_MAX_AGE", default=6 * 60 * 60)
# Files made by background jobs (exports) are kept here and served only to the job's owner, through a view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work (imports, large exports, the demo build, the daily job) runs through Django's Tasks
# framework (django-tasks backport). The database backend keeps the queue in the project database, so
# SQLite and PostgreSQL both work; `manage.py db_worker` runs the tasks (started by `make run`).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# An export with more rows than this runs as a background job; smaller ones download at once.
EXPORT_TASK_THRESHOLD = env.int("EXPORT_TASK_THRESHOLD", default=5000)
# A running job whose worker has written no progress for this long is taken as dead and marked failed.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=30 * 60)
# Progress is written at most this often (seconds), whatever the number of rows done.
JOB_PROGRESS_INTERVAL = 0.5

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dangjian@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tokens first: a refused token answers 401 with "WWW-Authenticate: Token".
        "dangjian.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dangjian API",
    "DESCRIPTION": (
        "API of the grassroots party-building responsibility platform: organisations, members, lists. "
        "Every result is limited to what the current user may see. "
        "基层党建工作责任制平台接口：组织、党员、清单。所有结果按当前用户的权限范围过滤。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema lists every route and field: for signed-in users and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "dangjian.ledger.models.ItemKind",
        "ItemStatusEnum": "dangjian.ledger.models.Item.Status",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# LOG_FORMAT=json: one JSON object per line (for a log collector); text otherwise. Both carry the request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dangjian.core.ops.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "dangjian.core.ops.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Operations (core.ops): who may read /metrics, when /healthz warns about a waiting queue.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
HEALTH_QUEUE_WARN_SECONDS = env.int("HEALTH_QUEUE_WARN_SECONDS", default=600)

# Where core.scoping asks who may see what (keeps core free of imports from apps).
DANGJIAN_SCOPE_PROVIDER = "dangjian.accounts.scoping.scope_for_user"
