"""One settings module, read from the environment, with local-first defaults.

With no environment at all the app runs on SQLite with console email and a Celery worker on
kombu's filesystem transport (no Redis server). Every variable is listed in `.env.example`.
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read a variable, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    # An empty variable (NAME= in an env file) means "not set", never "the empty string".
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable. Anything else stops the start: a typo such as DJANGO_DEBUG=flase
    must not quietly read as one or the other."""
    value = env(name).strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={env(name)!r} is not a yes/no value: use true or false (or 1/0, yes/no, on/off)"
    )


def env_int(name: str, default: int) -> int:
    value = env(name).strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_days(name: str, default: str) -> list[int]:
    """Days as a comma-separated list ("3,6"), each a whole number of at least 1."""
    items = env_list(name, default)
    if not all(item.isdigit() and int(item) >= 1 for item in items):
        raise ImproperlyConfigured(
            f"{name}={env(name)!r} is not a list of days: whole numbers of at least 1, "
            'separated by commas (e.g. "3,6")'
        )
    return sorted({int(item) for item in items})


# Nothing here touches the disk: importing settings (mypy's Django plugin, `manage.py check` in
# a read-only container) must not create directories. What writes creates its folder: the
# SQLite backend its database's, peerchallenge/celery.py the broker's and beat's, Django the rest.
STATE_DIR = Path(env("APP_STATE_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=True)


def secret_key_problem(key: str) -> str | None:
    """Why `key` must not sign anything in production (sessions, CSRF tokens, the survey and
    invitation links), or None when it may. Public keys - .env.example's placeholder, our own
    development default, Django's "django-insecure-" ones - are refused, and so are weak ones,
    by the limits of Django's deployment check (security.W009), enforced rather than warned of."""
    if not key:
        return "is not set"
    lowered = key.lower()
    if lowered in {"secret", "secret-key"} or any(
        word in lowered for word in ("change-me", "changeme", "insecure")
    ):
        return f"is a placeholder ({key!r})"
    if len(key) < 50 or len(set(key)) < 5:
        return "is too weak: at least 50 characters, 5 of them different"
    return None


SECRET_KEY = env("SECRET_KEY") or ("insecure-development-key" if DEBUG else "")
if not DEBUG and (_problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY {_problem}. With DJANGO_DEBUG off it must be a long random value: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # sign-in lockout (core/login_lockout.py)
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: the docs work offline
    "django_fsm",
    "core",  # shared widgets' templates (core/templates/)
    "workflow",
    "notifications",
    "surveys",
    "reports",
    # the base template, sign-in pages and GOV.UK form rendering (templates, static files)
    "peerchallenge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # early, so the policy is on every response, the 429s of the middleware below included
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 429 for too many requests to pages that act on a signed link (core/link_rate_limit.py)
    "core.link_rate_limit.SignedLinkRateLimitMiddleware",
    # last, as django-axes asks: turns a locked-out sign-in into its 429 page
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy, enforced on every response (django-csp 4). Everything a page loads is
# ours (GOV.UK Frontend, accessible-autocomplete and Swagger UI are served from our static
# files): no inline script or style, no CDN. data: images are Swagger UI's icons. A response
# that needs another policy says so: an email's HTML part (its own narrow one,
# notifications/pages.py), DRF's browsable API (inline styles, peerchallenge/browsable_api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

ROOT_URLCONF = "peerchallenge.urls"
WSGI_APPLICATION = "peerchallenge.wsgi.application"

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
                "peerchallenge.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL (postgres://...) for anything shared.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: PostgreSQL compiles any query whose *estimated* cost is high, and spent 6.5 s
        # compiling the programme report's 0.1 s query at 100,000 cases (bench/RESULTS.md, P4).
        # Index reads costed as on SSDs (the default 4 is for spinning disks): the reports'
        # period queries then take the new indexes, not a scan of every survey invitation.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c random_page_cost=1.1"
        )
else:
    DATABASES = {
        "default": {
            # Django's, creating the file's folder on first connect (peerchallenge/sqlite/)
            "ENGINE": "peerchallenge.sqlite",
            "NAME": str(STATE_DIR / "db.sqlite3"),
            "OPTIONS": {
                # Web, worker and beat share the file: wait for the lock, and take it up front
                # (IMMEDIATE) so two writers never deadlock upgrading a read lock.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Proxies and sign-in protection -------------------------------------------------------
# How many reverse proxies stand in front of the app (0: gunicorn faces the clients). Only
# then are X-Forwarded-Proto (is this HTTPS?) and X-Forwarded-For (the client's address:
# login lockout, rate limits, DRF's NUM_PROXIES) believed; without a proxy anyone can send them.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if not 0 <= TRUSTED_PROXY_COUNT <= 5:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be between 0 and 5")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-axes: failures counted in the database (shared by every worker), per username and,
# separately, per client address; a locked-out sign-in is refused even with the right password.
AUTHENTICATION_BACKENDS = [
    "core.login_lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if not 1 <= LOGIN_FAILURE_LIMIT <= 100 or not 1 <= LOGIN_COOLOFF_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT must be between 1 and 100, LOGIN_COOLOFF_MINUTES between 1 and 1440"
    )
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "core.login_lockout.lockout_response"
# Guessing during a lockout does not extend it: otherwise anyone could keep a user locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Failures only: no log of every successful sign-in's address and browser (data minimisation).
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged

# Pages that act on a signed link (a `token` in the route): at most this many requests per
# client address per window of seconds (core/link_rate_limit.py).
SIGNED_LINK_RATE_LIMIT = (env_int("SIGNED_LINK_RATE_LIMIT", 60), 60)
if not 5 <= SIGNED_LINK_RATE_LIMIT[0] <= 10_000:
    raise ImproperlyConfigured("SIGNED_LINK_RATE_LIMIT must be between 5 and 10000 a minute")

# API tokens expire this many hours after they are issued (core/token_auth.py).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 8)
if not 1 <= API_TOKEN_TTL_HOURS <= 24 * 90:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be between 1 and 2160")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(STATE_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(STATE_DIR / "media")))

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"
# A reset link works once (its token is spent by the new password) and for one day.
PASSWORD_RESET_TIMEOUT = 24 * 3600
# Every form renders as GOV.UK Frontend components (peerchallenge/form_rendering.py).
FORM_RENDERER = "peerchallenge.form_rendering.GovukFormRenderer"
# Messages live in the session: no cookie beyond the session and CSRF ones, so no banner.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Email -------------------------------------------------------------------------------
# EMAIL_BACKEND picks the transport: console (default in development), filebased, smtp.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(STATE_DIR / "sent-mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Peer Challenge <peerchallenge@localhost>")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# The phase banner's feedback link and the footer's contact address.
FEEDBACK_EMAIL = env("FEEDBACK_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1])

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.token_auth.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # the browsable API: inline styles allowed on its pages only (peerchallenge/browsable_api.py)
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "peerchallenge.browsable_api.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # `page` and `page_size` (at most 200; beyond is a 400, not a silently shorter page)
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    # DRF reads X-Forwarded-For only through the proxies we trust (core/client_ip.py).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Peer Challenge API",
    "DESCRIPTION": "Case management for sector-led peer challenge programmes.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # `state` and `postponed_from` share one choice set: name it once.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "workflow.models.State",
        "TeamPlaceStatusEnum": "workflow.choices.AssignmentStatus",
        "NewTeamPlaceStatusEnum": ["invited", "reserve"],  # serializers.TeamPlaceInput
        "SurveyKindEnum": "surveys.models.SurveyKind",  # survey results, the programme report
    },
    # /api/docs/ loads Swagger UI from our static files, never from a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL}peerchallenge/favicon.svg",  # ours, as base.html
    "REDOC_DIST": "SIDECAR",
}

# --- Domain wiring -----------------------------------------------------------------------
# The one table of cross-app consequences of a case event (DESIGN.md §2). `workflow` looks it
# up by this dotted path so it never imports the apps that react.
CASE_EVENT_REACTIONS = "peerchallenge.reactions.REACTIONS"
# Words for the case timeline's events other apps record (workflow/timeline.py): each a dict
# {action: words} by dotted path, so `workflow` imports none of those apps.
CASE_EVENT_WORDS: list[str] = [
    "surveys.actions.WORDS",
    "reports.actions.WORDS",
    "reports.history_import.WORDS",
]
# The parts other apps add to the case page, in order: each a function (request, case) -> HTML
# or None (workflow/panels.py), so the case page imports none of those apps.
CASE_PANELS: list[str] = [
    "notifications.panels.emails_panel",
    "surveys.panels.surveys_panel",
    "reports.panels.findings_panel",
]
# Survey results (surveys/results.py): a figure resting on fewer answers than this is hidden
# (its base still shown): with a handful of councils a percentage identifies them.
SURVEY_MIN_BASE = env_int("SURVEY_MIN_BASE", 5)
if not 1 <= SURVEY_MIN_BASE <= 100:
    raise ImproperlyConfigured("SURVEY_MIN_BASE must be between 1 and 100")
# Conflict checks (workflow/conflicts.py): a council the peer left less than this many years
# before the visit still counts as their own (a hard conflict, like their home council).
PEER_FORMER_COUNCIL_YEARS = env_int("PEER_FORMER_COUNCIL_YEARS", 5)
if not 0 <= PEER_FORMER_COUNCIL_YEARS <= 50:
    raise ImproperlyConfigured("PEER_FORMER_COUNCIL_YEARS must be between 0 and 50")
# Reserves (workflow/reserves.py): when an invitee declines or lets the invitation lapse, the
# role's next reserve is invited only while fewer than this many invitations of that role
# wait for an answer. Per role, counting open invitations only: a team needing two member
# peers fills them one answer at a time at 1, or both at once at 2.
TEAM_MAX_OPEN_INVITATIONS_PER_ROLE = env_int("TEAM_MAX_OPEN_INVITATIONS_PER_ROLE", 1)
if not 1 <= TEAM_MAX_OPEN_INVITATIONS_PER_ROLE <= 10:
    raise ImproperlyConfigured("TEAM_MAX_OPEN_INVITATIONS_PER_ROLE must be between 1 and 10")

# --- Cache -------------------------------------------------------------------------------
# The signed-link rate limits count here: Redis (CACHE_URL, else REDIS_URL) when set, shared by
# every worker; otherwise each process's memory, which is enough for one local process.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The figures that read across a year (core/snapshots.py) are kept in that cache: served as
# they are for FRESH seconds, then served while a worker refreshes them, and computed by the read
# once MAX_AGE has passed. 0 computes every read.
REPORT_FIGURES_FRESH_SECONDS = env_int("REPORT_FIGURES_FRESH_SECONDS", 60)
REPORT_FIGURES_MAX_AGE_SECONDS = env_int("REPORT_FIGURES_MAX_AGE_SECONDS", 900)
if not 0 <= REPORT_FIGURES_FRESH_SECONDS <= REPORT_FIGURES_MAX_AGE_SECONDS <= 86_400:
    raise ImproperlyConfigured(
        "REPORT_FIGURES_FRESH_SECONDS must be 0 or more, and no more than "
        "REPORT_FIGURES_MAX_AGE_SECONDS, which is at most a day (86400)"
    )

# --- Celery ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu does not create these folders: peerchallenge/celery.py does, when Celery starts.
    _broker_dir = STATE_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        # Keeping processed files next to the queue avoids a cross-filesystem move that can
        # crash the worker when $TMPDIR is a tmpfs (shared/STACK.md §7, pitfall 1).
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": True,
        "control_folder": str(_broker_dir / "control"),
        "polling_interval": 0.2,
    }
else:
    # Redis redelivers an unacknowledged (acks_late) message after this many seconds; our
    # tasks are idempotent, so a short timeout only speeds recovery after a killed worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", str(STATE_DIR / "celerybeat"))
CELERY_BEAT_SCHEDULER = "peerchallenge.celery.BeatScheduler"  # makes that file's folder

# Every periodic job, in one place. Reminder rules are plain functions named by dotted path
# (notifications/rules.py, later surveys/rules.py); a new rule is one function + one entry.
_DAILY_0700 = crontab(hour=7, minute=0)


def _rule(path: str, schedule) -> dict:
    return {
        "task": "notifications.tasks.run_reminder_rule",
        "schedule": schedule,
        "args": [path],
        "options": {"expires": 3600},
    }


CELERY_BEAT_SCHEDULE = {
    # every minute: queue delivery for due outbox rows; re-queue rows stuck in "sending"
    "sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # daily 07:00 London: the visit is near - manager and council contacts, the days before it
    # in ONSITE_REMINDER_DAYS_BEFORE
    "onsite-approaching": _rule("notifications.rules.onsite_approaching", _DAILY_0700),
    # daily 07:00 London: report not issued after the feedback presentation - manager, then
    # programme leads (REPORT_OVERDUE_*)
    "report-overdue": _rule("notifications.rules.report_overdue", _DAILY_0700),
    # daily 07:00 London: report not published - council, then manager, then programme leads
    # (PUBLICATION_*_MONTHS)
    "publication-due": _rule("notifications.rules.publication_due", _DAILY_0700),
    # daily 07:00 London: report published but no action plan - council, then manager
    # (ACTION_PLAN_*_MONTHS)
    "action-plan-due": _rule("notifications.rules.action_plan_due", _DAILY_0700),
    # daily 07:00 London: surveys (surveys/rules.py) - lapsed links expire, a case whose
    # impact survey is over closes, invitations falling due are sent (the impact survey at
    # onsite end + SURVEY_IMPACT_MONTHS), the unanswered are reminded (SURVEY_REMINDER_DAYS)
    "survey-sweep": {
        "task": "surveys.tasks.sweep_surveys",
        "schedule": _DAILY_0700,
        "options": {"expires": 3600},
    },
    # daily 07:00 London: follow-up visit / progress review prompt
    "follow-up-prompt": _rule("notifications.rules.follow_up_prompt", _DAILY_0700),
    # daily 08:00 London: each manager's weekly digest of overdue items. Its key is the week's
    # Monday, so it goes once a week; running daily means a missed Monday is sent on Tuesday.
    "manager-digest": _rule("notifications.rules.manager_weekly_digest", crontab(hour=8, minute=0)),
    # daily 07:00 London: an unanswered invitation, to its peer, the days after it in
    # INVITATION_REMINDER_DAYS while it is still open
    "invitation-reminders": _rule("notifications.rules.invitation_reminders", _DAILY_0700),
    # daily 00:15 London: invitations whose respond-by day is over expire, and the role's next
    # reserve is invited, so the manager starts the day knowing
    "expire-lapsed-invitations": {
        "task": "workflow.tasks.expire_lapsed_invitations",
        "schedule": crontab(hour=0, minute=15),
    },
    # daily 06:00 London: cases in preparation whose onsite visit has begun move to onsite
    "start-due-onsite-visits": {
        "task": "workflow.tasks.start_due_onsite_visits",
        "schedule": crontab(hour=6, minute=0),
    },
    # daily 07:30 London: a good-practice draft for each FB10 answer not yet drafted (after
    # the 07:00 survey sweep; idempotent: one draft per answer)
    "draft-good-practice": {
        "task": "reports.tasks.draft_good_practice",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 3600},
    },
    # daily 02:30 London: remove survey free text, contacts and outbox rows past retention
    "apply-retention": {
        "task": "reports.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3600},
    },
    # hourly: prune the filesystem broker's processed folder (no-op on Redis)
    "prune-broker": {"task": "notifications.tasks.prune_broker_processed", "schedule": 3600.0},
}

# Reminder offsets, in days unless named otherwise. The escalation ladder is
# recipient -> manager -> programme lead.
NOTIFICATION_SETTINGS = {
    "ONSITE_REMINDER_DAYS_BEFORE": [14, 2],
    # After an invitation, to its peer while it is unanswered and its respond-by day not over.
    "INVITATION_REMINDER_DAYS": env_days("INVITATION_REMINDER_DAYS", "3,6"),
    "REPORT_OVERDUE_DAYS": 28,  # after the feedback presentation, to the manager
    "REPORT_OVERDUE_ESCALATE_DAYS": 56,  # to the programme leads
    "PUBLICATION_REMINDER_MONTHS": 3,  # to the council contacts
    "PUBLICATION_ESCALATE_MONTHS": 5,  # to the manager: the latest date for the action plan
    "PUBLICATION_LEAD_MONTHS": 6,  # to the programme leads
    "FOLLOW_UP_PROMPT_MONTHS": 12,  # after onsite end
    "ACTION_PLAN_REMINDER_MONTHS": 5,  # after the report, published without its action plan
    "ACTION_PLAN_ESCALATE_MONTHS": 6,  # to the manager
    # A reminder whose nominal date is older than this is not written: catching up after a
    # missed run is right, mailing out years of history on a first deploy is not.
    "MAX_CATCH_UP_DAYS": 30,
    # The managers' digest lists an item for this long after it fell overdue (26 digests).
    "DIGEST_MAX_AGE_DAYS": 182,
    "SENDING_TIMEOUT_SECONDS": env_int("NOTIFICATION_SENDING_TIMEOUT", 300),
    "DISPATCH_TIMEOUT_SECONDS": env_int("NOTIFICATION_DISPATCH_TIMEOUT", 600),
    "MAX_ATTEMPTS": 5,
    # Backoff after a transient failure: 1, 2, 4, 8 ... minutes, at most an hour.
    "RETRY_BASE_SECONDS": 60,
    "RETRY_MAX_SECONDS": 3600,
}

# Surveys (surveys/lifecycle.py). A survey link works until SURVEY_EXPIRE_DAYS after it is sent
# (a manager may extend it); the unanswered are reminded the days after sending in
# SURVEY_REMINDER_DAYS; the impact survey goes SURVEY_IMPACT_MONTHS after the visit ends.
SURVEY_EXPIRE_DAYS = env_int("SURVEY_EXPIRE_DAYS", 28)
if not 1 <= SURVEY_EXPIRE_DAYS <= 365:
    raise ImproperlyConfigured("SURVEY_EXPIRE_DAYS must be between 1 and 365")
SURVEY_REMINDER_DAYS = env_days("SURVEY_REMINDER_DAYS", "7,14")
if any(days >= SURVEY_EXPIRE_DAYS for days in SURVEY_REMINDER_DAYS):
    raise ImproperlyConfigured("SURVEY_REMINDER_DAYS must fall before SURVEY_EXPIRE_DAYS")
SURVEY_IMPACT_MONTHS = 12

# Retention (UK GDPR), in days, applied daily by reports.tasks.apply_retention
# (reports/data_protection.py): survey free text from completion; a closed or withdrawn case's
# council contacts from its last event; sent or failed outbox rows from their creation.
RETENTION = {
    "SURVEY_FREE_TEXT_DAYS": env_int("RETENTION_SURVEY_FREE_TEXT_DAYS", 3 * 365),
    "CONTACT_DETAILS_DAYS": env_int("RETENTION_CONTACT_DETAILS_DAYS", 6 * 365),
    "OUTBOX_DAYS": env_int("RETENTION_OUTBOX_DAYS", 2 * 365),
}
if min(RETENTION.values()) < 30:
    raise ImproperlyConfigured("RETENTION_* periods must be at least 30 days")

# --- Production hardening (checked by `manage.py check --deploy`) -------------------------
if not DEBUG:
    # gunicorn serves the collected static files itself (no separate web server needed)
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # The loggers that write a request's path (a 4xx, a CSRF refusal, runserver's access log)
    # write a signed link's token as <token> (core/log_filters.py). Configuring a logger drops
    # Django's own handlers for it: runserver's access log goes to the console above instead.
    "filters": {"hide_tokens": {"()": "core.log_filters.HideSignedTokens"}},
    "loggers": {
        "django.request": {"filters": ["hide_tokens"]},
        "django.security.csrf": {"filters": ["hide_tokens"]},
        "django.server": {"filters": ["hide_tokens"], "propagate": True},
    },
}
