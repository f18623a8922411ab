"""The case page and its steps, through Django's test client: the same rules as the API (a case
the user may not see is a 404, a programme lead changes nothing), the same services (a refusal
shows its unmet conditions, bad input its field errors), user text escaped."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import format_html
from django_fsm import ConcurrentTransition

from tests.workflow import factories as f
from workflow import checks, services, team_services
from workflow.models import PeerChallenge, State
from workflow.panels import panels

pytestmark = pytest.mark.django_db


def step_url(case, name: str) -> str:
    return f"/cases/{case.pk}/steps/{name}/"


@pytest.fixture
def case():
    return f.PeerChallengeFactory()


def test_the_case_page_shows_each_next_step_and_what_it_still_needs(client, case):
    case.leader_email = ""
    case.save()
    client.force_login(f.manager())

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert step_url(case, "book") in page
    assert "leader contact missing (name and email)" in page
    assert step_url(case, "withdraw") in page


@pytest.mark.parametrize(
    ("who", "page", "step"),
    [("programme lead", 200, 403), ("peer not on the case", 404, 404), ("anonymous", 302, 302)],
)
def test_who_may_open_the_case_and_its_steps(client, case, who, page, step):
    users = {"programme lead": f.programme_lead, "peer not on the case": f.peer_user}
    if who in users:
        client.force_login(users[who]())

    assert client.get(f"/cases/{case.pk}/").status_code == page
    assert client.get(step_url(case, "book")).status_code == step
    assert client.post(step_url(case, "book")).status_code == step
    case.refresh_from_db()
    assert case.state == State.ENQUIRY


def test_an_unknown_step_is_404(client, case):
    client.force_login(f.manager())
    assert client.get(step_url(case, "teleport")).status_code == 404


def test_a_manager_fires_a_step_through_the_service(client, case):
    client.force_login(f.manager())

    response = client.post(step_url(case, "book"))

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == State.BOOKED
    assert case.events.get().action == "workflow.challenge.booked"


def test_a_refused_step_shows_what_is_unmet_and_changes_nothing(client, case):
    case.chief_executive_email = ""
    case.save()
    client.force_login(f.manager())

    response = client.post(step_url(case, "book"))

    assert response.status_code == 200
    assert "chief executive contact missing (name and email)" in response.content.decode()
    assert PeerChallenge.objects.get(pk=case.pk).state == State.ENQUIRY


def test_bad_input_is_a_form_error_and_changes_nothing(client):
    case = f.PeerChallengeFactory(state=State.BOOKED)
    client.force_login(f.manager())

    response = client.post(step_url(case, "postpone"), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert PeerChallenge.objects.get(pk=case.pk).state == State.BOOKED


def test_a_step_form_asks_for_what_the_case_will_need_and_names_what_is_missing(client):
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    client.force_login(f.manager())

    page = client.get(step_url(case, "publish"))

    form = page.context["form"]
    # The declaration leaves them optional; a corporate peer challenge's rules do not.
    assert {name: field.required for name, field in form.fields.items()} == {
        "publication_url": True,
        "published_on": True,
        "action_plan_url": False,
        "action_plan_published_on": False,
    }
    html = page.content.decode()
    assert "Publication URL</label>" in html and "Action plan URL (optional)</label>" in html

    response = client.post(step_url(case, "publish"), {})

    assert response.context["form"].errors == {
        "publication_url": ["Enter the publication URL"],
        "published_on": ["Enter the date the council published the report"],
    }
    assert PeerChallenge.objects.get(pk=case.pk).state == State.REPORT_ISSUED


def test_a_type_that_is_not_published_may_leave_the_publication_out(client):
    case = f.PeerChallengeFactory(state=State.REPORT_ISSUED)
    case.challenge_type.publication_expected = False
    case.challenge_type.save()
    client.force_login(f.manager())

    form = client.get(step_url(case, "publish")).context["form"]

    assert not any(field.required for field in form.fields.values())


def test_a_lost_race_says_reload(client, case, monkeypatch):
    def lose(**kwargs):
        raise ConcurrentTransition("changed")

    monkeypatch.setattr(services, "challenge_transition", lose)
    client.force_login(f.manager())

    response = client.post(step_url(case, "book"))

    assert "this case changed while you were editing: reload" in response.content.decode()


def test_the_timeline_escapes_what_people_wrote(client):
    case = f.PeerChallengeFactory(state=State.BOOKED)
    services.challenge_transition(
        challenge=case, name="postpone", actor=None, reason="<script>alert(1)</script>"
    )
    client.force_login(f.manager())

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def greeting_panel(request, case):
    return format_html("<section id='greeting'>Hello from another app, {}</section>", case.host)


def test_panels_listed_in_settings_join_the_case_page(client, case, settings):
    settings.CASE_PANELS = ["tests.pages.test_case_page.greeting_panel"]
    panels.cache_clear()
    client.force_login(f.manager())
    try:
        page = client.get(f"/cases/{case.pk}/").content.decode()
    finally:
        panels.cache_clear()

    assert "<section id='greeting'>Hello from another app, Adur</section>" in page


def test_a_panel_that_does_not_exist_fails_the_start_up_checks(settings):
    settings.CASE_PANELS = ["notifications.panels.no_such_panel"]

    errors = checks.case_panels_exist(None)

    assert [e.id for e in errors] == ["workflow.E006"]


def test_the_timeline_tells_what_happened_in_words(client):
    case = f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)
    peer = f.PeerFactory(name="Cllr Rosa Diaz")
    manager = f.manager(first_name="Amira", last_name="Khan")
    team_services.assignment_add(challenge=case, peer=peer, actor=manager, role="officer")
    services.challenge_update(
        challenge=case, actor=manager, changes={"leader_name": "Lee New-Leader"}
    )
    services.challenge_transition(
        challenge=case, name="postpone", actor=manager, reason="Elections"
    )
    client.force_login(manager)

    entries = client.get(f"/cases/{case.pk}/").context["timeline"]
    rows = [
        f"{e.what} | {'; '.join(f'{k}: {v}' for k, v in e.details)} | {e.event.reason}".strip()
        for e in entries
    ]

    assert rows == [
        "Cllr Rosa Diaz: added to the team | Role: officer peer |",
        "Cllr Rosa Diaz: invited |  |",
        "Details changed | Leader name: Lee New-Leader |",
        "Postponed | Postponed reason: Elections | Elections",
    ]


def test_the_timeline_says_dates_and_the_scope_in_words(client):
    case = f.PeerChallengeFactory(state=State.BOOKED)
    manager = f.manager()
    components = case.challenge_type.mandatory_components[:2]
    day = timezone.localdate() - datetime.timedelta(days=30)
    services.challenge_update(
        challenge=case,
        actor=manager,
        changes={
            "scope_components": [c["code"] for c in components],
            "action_plan_url": "https://adur.example.gov.uk/plan",
            "action_plan_published_on": day,
        },
    )
    client.force_login(manager)

    [*_, edit] = client.get(f"/cases/{case.pk}/").context["timeline"]

    assert dict(edit.details) == {
        "Scope components": f"{components[0]['label']}; {components[1]['label']}",
        "Action plan URL": "https://adur.example.gov.uk/plan",
        "Action plan published on": f"{day:%-d %B %Y}",
    }
