"""The settings module as the environment makes it: bad values stop the start with a message
naming the variable, importing writes nothing, and a public SECRET_KEY never runs in production.
Each test evaluates peerchallenge/settings.py afresh under its own environment."""

import runpy
import secrets
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler

from peerchallenge.celery import BeatScheduler, app, create_filesystem_broker_folders

ROOT = Path(django_settings.BASE_DIR)
SETTINGS = ROOT / "peerchallenge" / "settings.py"
PRODUCTION_KEY = secrets.token_urlsafe(50)


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment (no variable the settings read) with its state in a fresh folder."""
    for name in ("DJANGO_DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setenv("APP_STATE_DIR", str(tmp_path / "state"))

    def load(**variables: str) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def dotenv_example(name: str) -> str:
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.partition("=")[2]
    raise AssertionError(f"{name} is not set in .env.example")


# --- yes/no and numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(word, True) for word in ("true", "True", "1", "yes", "on")]
    + [(word, False) for word in ("false", "FALSE", "0", "no", "off")],
)
def test_yes_no_variables_read_the_usual_spellings(environment, value, expected):
    assert environment(EMAIL_USE_TLS=value)["EMAIL_USE_TLS"] is expected


def test_an_unset_or_empty_yes_no_variable_takes_its_default(environment):
    assert environment()["DEBUG"] is True
    assert environment(DJANGO_DEBUG="")["DEBUG"] is True


@pytest.mark.parametrize("typo", ["flase", "ture", "enabled", "2"])
def test_a_yes_no_typo_stops_the_start_naming_the_variable(environment, typo):
    with pytest.raises(ImproperlyConfigured, match=f"DJANGO_DEBUG='{typo}' is not a yes/no"):
        environment(DJANGO_DEBUG=typo)


def test_a_number_that_is_not_one_stops_the_start_naming_the_variable(environment):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='twenty-five' is not a whole"):
        environment(EMAIL_PORT="twenty-five")


# --- nothing written at import -------------------------------------------------------------


def test_importing_settings_creates_no_directory(environment, tmp_path):
    loaded = environment()

    assert loaded["STATE_DIR"] == tmp_path / "state"
    assert loaded["CELERY_BROKER_URL"].startswith("filesystem://")
    assert list(tmp_path.iterdir()) == []


def test_the_filesystem_broker_folders_are_made_when_celery_is_configured(environment, tmp_path):
    loaded = environment()
    source = SimpleNamespace(
        broker_url=loaded["CELERY_BROKER_URL"],
        broker_transport_options=loaded["CELERY_BROKER_TRANSPORT_OPTIONS"],
    )

    create_filesystem_broker_folders(sender=None, source=source)

    broker = tmp_path / "state" / "celery-broker"
    assert sorted(p.name for p in broker.iterdir()) == ["control", "processed", "queue"]


def test_a_redis_broker_makes_no_folders(tmp_path):
    source = SimpleNamespace(
        broker_url="redis://localhost:6379/0",
        broker_transport_options={"data_folder_in": str(tmp_path / "queue")},
    )

    create_filesystem_broker_folders(sender=None, source=source)

    assert list(tmp_path.iterdir()) == []


def test_beat_makes_the_folder_of_its_schedule_file(tmp_path):
    path = tmp_path / "fresh" / "celerybeat"

    BeatScheduler(app=app, schedule_filename=str(path)).close()

    assert path.parent.is_dir()


def test_the_sqlite_database_folder_is_made_on_first_connect(tmp_path):
    path = tmp_path / "fresh-checkout" / "var" / "db.sqlite3"
    handler = ConnectionHandler({"default": {"ENGINE": "peerchallenge.sqlite", "NAME": path}})
    wrapper = handler["default"]

    # The backend's own connect, past pytest-django's guard on the test database.
    wrapper.get_new_connection(wrapper.get_connection_params()).close()

    assert path.exists()


# --- SECRET_KEY ----------------------------------------------------------------------------


def test_the_env_example_placeholder_key_cannot_boot_with_debug_off(environment):
    assert dotenv_example("DJANGO_DEBUG") == "false"

    with pytest.raises(ImproperlyConfigured, match=r"SECRET_KEY is a placeholder \('change-me'\)"):
        environment(DJANGO_DEBUG="false", SECRET_KEY=dotenv_example("SECRET_KEY"))


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is not set"),
        ("insecure-development-key", "is a placeholder"),
        ("django-insecure-" + secrets.token_urlsafe(50), "is a placeholder"),
        ("CHANGEME", "is a placeholder"),
        ("secret", "is a placeholder"),
        (secrets.token_urlsafe(20), "is too weak"),
        ("ab" * 40, "is too weak"),
    ],
)
def test_a_public_empty_or_weak_key_cannot_boot_with_debug_off(environment, key, problem):
    with pytest.raises(ImproperlyConfigured, match=f"SECRET_KEY {problem}"):
        environment(DJANGO_DEBUG="false", SECRET_KEY=key)


def test_a_long_random_key_boots_with_debug_off(environment):
    loaded = environment(DJANGO_DEBUG="false", SECRET_KEY=PRODUCTION_KEY)

    assert (loaded["DEBUG"], loaded["SECRET_KEY"]) == (False, PRODUCTION_KEY)


def test_the_key_may_come_from_a_file(environment, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(f"{PRODUCTION_KEY}\n")

    loaded = environment(DJANGO_DEBUG="false", SECRET_KEY_FILE=str(key_file))

    assert loaded["SECRET_KEY"] == PRODUCTION_KEY


def test_with_debug_on_the_development_key_is_the_default(environment):
    assert environment()["SECRET_KEY"] == "insecure-development-key"


# --- the peer pool -------------------------------------------------------------------------


def test_the_former_council_window_is_five_years_unless_set(environment):
    assert environment()["PEER_FORMER_COUNCIL_YEARS"] == 5
    assert dotenv_example("PEER_FORMER_COUNCIL_YEARS") == "5"
    assert environment(PEER_FORMER_COUNCIL_YEARS="3")["PEER_FORMER_COUNCIL_YEARS"] == 3


@pytest.mark.parametrize("years", ["-1", "51"])
def test_a_former_council_window_out_of_range_stops_the_start(environment, years):
    with pytest.raises(ImproperlyConfigured, match="PEER_FORMER_COUNCIL_YEARS must be between"):
        environment(PEER_FORMER_COUNCIL_YEARS=years)


def test_the_survey_minimum_base_is_five_unless_set(environment):
    assert environment()["SURVEY_MIN_BASE"] == 5
    assert dotenv_example("SURVEY_MIN_BASE") == "5"
    assert environment(SURVEY_MIN_BASE="10")["SURVEY_MIN_BASE"] == 10


@pytest.mark.parametrize("base", ["0", "101", "-1"])
def test_a_survey_minimum_base_out_of_range_stops_the_start(environment, base):
    with pytest.raises(ImproperlyConfigured, match="SURVEY_MIN_BASE must be between 1 and 100"):
        environment(SURVEY_MIN_BASE=base)


# --- team assembly -------------------------------------------------------------------------


def test_invitations_are_reminded_after_three_and_six_days_unless_set(environment):
    assert environment()["NOTIFICATION_SETTINGS"]["INVITATION_REMINDER_DAYS"] == [3, 6]
    assert dotenv_example("INVITATION_REMINDER_DAYS") == "3,6"
    loaded = environment(INVITATION_REMINDER_DAYS=" 7, 2 ,2")
    assert loaded["NOTIFICATION_SETTINGS"]["INVITATION_REMINDER_DAYS"] == [2, 7]


@pytest.mark.parametrize("days", ["3,x", "0", "-1", "2.5"])
def test_reminder_days_that_are_not_days_stop_the_start(environment, days):
    with pytest.raises(ImproperlyConfigured, match=r"INVITATION_REMINDER_DAYS=.* is not a list"):
        environment(INVITATION_REMINDER_DAYS=days)


def test_one_open_invitation_per_role_unless_set(environment):
    assert environment()["TEAM_MAX_OPEN_INVITATIONS_PER_ROLE"] == 1
    assert dotenv_example("TEAM_MAX_OPEN_INVITATIONS_PER_ROLE") == "1"
    assert (
        environment(TEAM_MAX_OPEN_INVITATIONS_PER_ROLE="3")["TEAM_MAX_OPEN_INVITATIONS_PER_ROLE"]
        == 3
    )


@pytest.mark.parametrize("k", ["0", "11"])
def test_open_invitations_per_role_out_of_range_stop_the_start(environment, k):
    with pytest.raises(ImproperlyConfigured, match="TEAM_MAX_OPEN_INVITATIONS_PER_ROLE must be"):
        environment(TEAM_MAX_OPEN_INVITATIONS_PER_ROLE=k)
