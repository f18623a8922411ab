"""Every page, every role. The pages are read from the URL configuration, so a new page with
no line in EXPECTED fails here until someone decides who may open it. GET for every page; POST
too for every page that changes something, where a refusal must also leave the database as it
was."""

from collections.abc import Iterator
from itertools import combinations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from notifications.models import Notification
from reports.models import Finding, GoodPractice, Theme
from tests.notifications.factories import NotificationFactory
from tests.surveys.results_data import CE, SENT
from tests.surveys.results_data import invitation as survey_invitation
from tests.workflow import factories as f
from workflow import roles
from workflow.models import CaseEvent, PeerChallenge

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no role", "peer on the case", "peer not on the case", "lead", "manager"]
ROLES_WITH_ADMIN = [*ROLES, "admin"]

SIGN_IN = 302  # anonymous: sent to sign in
LANDING = 302  # a signed-in user sent on to their landing page


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES_WITH_ADMIN, status)


def staff_only(staff: int, *, lead: int, peer_on: int, others: int) -> dict[str, int]:
    return {
        "anonymous": SIGN_IN,
        "no role": others,
        "peer on the case": peer_on,
        "peer not on the case": others,
        "lead": lead,
        "manager": staff,
        "admin": staff,
    }


# URL name -> role -> status of a GET.
EXPECTED = {
    "home": {**everyone(LANDING), "no role": 200},
    "favicon": everyone(200),  # the site's icon, for a browser whoever is signed in
    "sign-in": {**everyone(LANDING), "anonymous": 200},
    "sign-out": everyone(405),
    "password-reset": everyone(200),
    "password-reset-sent": everyone(200),
    "password-reset-complete": everyone(200),
    "password-reset-confirm": everyone(200),  # a bad link: the page says so
    "my-cases": staff_only(200, lead=200, peer_on=403, others=403),
    "my-cases-csv": staff_only(200, lead=200, peer_on=403, others=403),
    "my-visits": {**everyone(302), "anonymous": SIGN_IN},  # now My challenges
    "my-invitations": {**everyone(200), "anonymous": SIGN_IN},
    "my-challenges": {**everyone(200), "anonymous": SIGN_IN},
    # No sign-in: a link that opens no invitation is one 404 page for everyone.
    "invitation": everyone(404),
    "case-new": staff_only(200, lead=403, peer_on=403, others=403),
    "case-detail": staff_only(200, lead=200, peer_on=200, others=404),
    "case-edit": staff_only(200, lead=403, peer_on=403, others=404),
    # the fixture's case has no uploaded report: 404 for all (tests/security/test_uploads.py)
    "case-report-file": {**everyone(404), "anonymous": SIGN_IN},
    "case-transition": staff_only(200, lead=403, peer_on=403, others=404),
    "case-candidates": staff_only(200, lead=403, peer_on=403, others=404),
    "case-email-new": staff_only(200, lead=403, peer_on=404, others=404),
    "case-email-preview": staff_only(200, lead=403, peer_on=404, others=404),
    "case-email-html": staff_only(200, lead=403, peer_on=404, others=404),  # the preview's frame
    "case-email-resend": {**everyone(405), "anonymous": SIGN_IN},
    "case-team-transition": staff_only(200, lead=403, peer_on=403, others=404),
    "case-team-link": staff_only(200, lead=403, peer_on=403, others=404),
    "case-reserves-order": {**everyone(405), "anonymous": SIGN_IN},
    # The date poll: staff see it, managers change it; a peer answers for their own place.
    "case-availability": staff_only(200, lead=200, peer_on=403, others=404),
    "invitation-availability": everyone(404),  # a link that opens no invitation
    "my-place-availability": {**everyone(404), "anonymous": SIGN_IN, "peer on the case": 200},
    # Everyone signed in has a private calendar feed; the feed itself needs its signed URL.
    "my-calendar": {**everyone(200), "anonymous": SIGN_IN},
    "calendar-feed": everyone(404),
    # A survey's pages (no sign-in): a link that opens no survey is one 404 page for everyone.
    "survey": everyone(404),
    "survey-page": everyone(404),
    "survey-check": everyone(404),
    # Survey results: staff who read every case; each council's answers: managers only.
    "survey-results": staff_only(200, lead=200, peer_on=403, others=403),
    "survey-responses-csv": staff_only(200, lead=403, peer_on=403, others=403),
    # A manager's actions on the case's survey invitation (its surveys panel).
    "case-survey-link": staff_only(200, lead=403, peer_on=403, others=404),
    "case-survey-closing-date": staff_only(200, lead=403, peer_on=403, others=404),
    # The programme report and its tables' CSV: staff who read every case.
    "programme-report": staff_only(200, lead=200, peer_on=403, others=403),
    "programme-report-csv": staff_only(200, lead=200, peer_on=403, others=403),
    # The dashboard, the publication tracker and the coverage planner: staff who read every
    # case; a council's coverage reason is recorded by managers.
    "dashboard": staff_only(200, lead=200, peer_on=403, others=403),
    "publication-tracker": staff_only(200, lead=200, peer_on=403, others=403),
    "publication-tracker-csv": staff_only(200, lead=200, peer_on=403, others=403),
    "coverage-planner": staff_only(200, lead=200, peer_on=403, others=403),
    "coverage-planner-csv": staff_only(200, lead=200, peer_on=403, others=403),
    "coverage-note": staff_only(200, lead=403, peer_on=403, others=403),
    # The import and export of the programme's history: admins only (managers too are 403).
    "history-import": {**staff_only(403, lead=403, peer_on=403, others=403), "admin": 200},
    "history-export": {**staff_only(403, lead=403, peer_on=403, others=403), "admin": 200},
    # Findings and a manager's good practice on a case: managers; the world's case is an
    # enquiry, with no report yet, so a manager is refused (409) there.
    "case-finding-new": staff_only(409, lead=403, peer_on=403, others=404),
    "case-finding-edit": staff_only(409, lead=403, peer_on=403, others=404),
    "case-finding-delete": staff_only(409, lead=403, peer_on=403, others=404),
    "case-good-practice-new": staff_only(409, lead=403, peer_on=403, others=404),
    # The common messages and their CSV: staff who read every case.
    "common-messages": staff_only(200, lead=200, peer_on=403, others=403),
    "common-messages-csv": staff_only(200, lead=200, peer_on=403, others=403),
    "common-messages-excerpts-csv": staff_only(200, lead=200, peer_on=403, others=403),
    # Good practice: published examples for everyone signed in; the world's is a draft, which
    # only managers see; managers change drafts and move them on (POST only).
    "good-practice": {**everyone(200), "anonymous": SIGN_IN},
    "good-practice-detail": staff_only(200, lead=404, peer_on=404, others=404),
    "good-practice-edit": staff_only(200, lead=403, peer_on=403, others=403),
    "good-practice-approve": {**everyone(405), "anonymous": SIGN_IN},
    "good-practice-publish": {**everyone(405), "anonymous": SIGN_IN},
}
# Pages that change something, and who may POST to them (everyone else: refused, no change).
CHANGES = {
    "case-new": {"manager", "admin"},
    "case-edit": {"manager", "admin"},
    "case-transition": {"manager", "admin"},
    "case-candidates": {"manager", "admin"},
    "case-email-new": {"manager", "admin"},
    "case-email-resend": {"manager", "admin"},
    "case-team-transition": {"manager", "admin"},
    "case-team-link": {"manager", "admin"},
    "case-survey-link": {"manager", "admin"},
    "case-survey-closing-date": {"manager", "admin"},
    "coverage-note": {"manager", "admin"},
    "history-import": {"admin"},
    "case-finding-new": {"manager", "admin"},
    "case-finding-edit": {"manager", "admin"},
    "case-finding-delete": {"manager", "admin"},
    "case-good-practice-new": {"manager", "admin"},
    "good-practice-edit": {"manager", "admin"},
    "good-practice-approve": {"manager", "admin"},
    "good-practice-publish": {"manager", "admin"},
    # Each peer answers only their own invitations: anyone else's POST is a 404.
    "my-invitations": {"peer on the case", "peer not on the case"},
    "case-reserves-order": {"manager", "admin"},
    "case-availability": {"manager", "admin"},
    "my-place-availability": {"peer on the case"},
    "my-calendar": set(ROLES_WITH_ADMIN) - {"anonymous"},
}
# The admin, the API and static files have their own tests.
NOT_PAGES = ("admin/", "api/", "static/", "media/")


def page_names() -> list[str]:
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                yield prefix + str(entry.pattern), entry.name

    return sorted(
        name
        for route, name in walk(get_resolver().url_patterns)
        if not route.lstrip("^").startswith(NOT_PAGES)
    )


def test_every_page_has_a_line_in_the_table():
    assert set(page_names()) == set(EXPECTED), "decide who may open the new page"


@pytest.fixture
def world():
    case = f.PeerChallengeFactory()
    users: dict[str, User | None] = {
        "anonymous": None,
        "no role": f.UserFactory(),
        "peer on the case": f.peer_user(),
        "peer not on the case": f.peer_user(),
        "lead": f.programme_lead(),
        "manager": f.manager(),
        "admin": _admin(),
    }
    place = f.place(case, peer=users["peer on the case"].peer)
    email = NotificationFactory(challenge=case, status=Notification.Status.FAILED)
    kwargs = {
        "pk": case.pk,
        "name": "book",
        "notification_id": email.pk,
        "uidb64": "MQ",
        "token": "not-a-token",
        "assignment_id": place.pk,
        "step": "withdraw",
        "role": place.role,
        "page": 1,
        "kind": "feedback",
        "survey_invitation_id": survey_invitation(case, "feedback", CE, status=SENT).pk,
        "table": "summary",
        "code": "ADU",
        "finding_id": _finding(case).pk,
        "good_practice_id": _good_practice(case).pk,
    }
    return users, kwargs


def _finding(case: PeerChallenge) -> Finding:
    theme = Theme.objects.get(slug="partnerships")
    return Finding.objects.create(
        challenge=case, component=theme.component, theme=theme, polarity="strength", excerpt="x"
    )


def _good_practice(case: PeerChallenge) -> GoodPractice:
    return GoodPractice.objects.create(
        title="x", summary="x", council=case.host, challenge=case, source="manager"
    )


def _admin() -> User:
    user = f.UserFactory()
    user.groups.add(Group.objects.get(name=roles.ADMIN))
    return user


def url_for(name: str, kwargs: dict) -> str:
    """The page's URL with the arguments it takes, picked from `kwargs` by name."""
    for size in range(len(kwargs), -1, -1):
        for keys in combinations(list(kwargs), size):
            try:
                return reverse(name, kwargs={k: kwargs[k] for k in keys})
            except NoReverseMatch:
                continue
    raise AssertionError(f"cannot build a URL for {name}")


def snapshot() -> tuple:
    return (
        PeerChallenge.objects.count(),
        CaseEvent.objects.count(),
        Notification.objects.count(),
        tuple(Notification.objects.order_by("pk").values_list("status", flat=True)),
    )


def as_each_role(client, users: dict) -> Iterator[str]:
    """Signs `client` in as each role in turn (signed out for "anonymous"), yielding it."""
    for role in ROLES_WITH_ADMIN:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        yield role


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_who_may_open_each_page(client, world, name):
    users, kwargs = world
    url = url_for(name, kwargs)
    got = {role: client.get(url).status_code for role in as_each_role(client, users)}
    assert got == EXPECTED[name], url


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_only_the_allowed_roles_may_post_and_a_refused_post_changes_nothing(client, world, name):
    users, kwargs = world
    url = url_for(name, kwargs)
    for role in ROLES_WITH_ADMIN:
        if role in CHANGES[name]:
            continue
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        before = snapshot()
        status = client.post(url, {"reason": "x", "message": "x", "subject": "x"}).status_code
        assert status in (302, 403, 404), (role, status)
        if role == "anonymous":
            assert status == SIGN_IN
        assert snapshot() == before, role
