"""Findings on a case: the services' rules (400s naming the field, 409 before the report), the
audit row on the timeline, the case page's panel per role, and the finding pages per role."""

import pytest

from core.errors import InvalidInput, Refused
from reports import actions
from reports.findings import case_components, finding_add, finding_delete, finding_edit
from reports.models import Finding, Theme
from tests.workflow import factories as f
from workflow.models import CaseEvent, State
from workflow.timeline import timeline

pytestmark = pytest.mark.django_db

GOOD = {
    "component": "leadership-of-place",
    "theme": "partnerships",
    "polarity": "strength",
    "excerpt": "Partners speak highly of the council's convening role.",
}


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.REPORT_ISSUED)


def test_a_finding_is_recorded_with_an_audit_row_told_in_words(case):
    actor = f.manager()
    finding = finding_add(case=case, data=GOOD, actor=actor)
    assert finding.theme == Theme.objects.get(slug="partnerships")
    assert finding.created_by == actor
    event = CaseEvent.objects.get(challenge=case, action=actions.FINDING_ADDED)
    assert event.actor == actor
    assert event.data == {
        "component": "Leadership of place",
        "theme": "Partnerships",
        "polarity": "Strength or effective practice",
    }
    entry = timeline(case)[-1]
    assert entry.what == "Report finding recorded"
    assert ("Theme", "Partnerships") in entry.details


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"component": "planning"}, "component", "'planning' is not a core component"),
        ({"component": ""}, "component", "Select the core component"),
        ({"theme": "no-such-theme"}, "theme", "Select a theme from the list"),
        ({"theme": "commercialisation"}, "theme", "is not a theme of “Leadership of place”"),
        ({"polarity": "neutral"}, "polarity", "Select strength or area for improvement"),
        ({"excerpt": "   "}, "excerpt", "Enter the excerpt"),
        ({"excerpt": "x" * 1001}, "excerpt", "1,000 characters or fewer (you entered 1,001)"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(case, change, field, message):
    with pytest.raises(InvalidInput) as raised:
        finding_add(case=case, data={**GOOD, **change}, actor=f.manager())
    assert list(raised.value.errors) == [field]
    assert message in raised.value.errors[field][0]
    assert not Finding.objects.exists()
    assert not CaseEvent.objects.filter(action=actions.FINDING_ADDED).exists()


def test_an_excerpt_of_exactly_1000_characters_is_kept(case):
    assert (
        len(finding_add(case=case, data={**GOOD, "excerpt": "y" * 1000}, actor=None).excerpt)
        == 1000
    )


@pytest.mark.parametrize("state", [State.BOOKED, State.ONSITE, State.REPORTING, State.WITHDRAWN])
def test_before_the_report_is_issued_a_finding_is_refused(state):
    case = f.PeerChallengeFactory(state=state)
    with pytest.raises(Refused):
        finding_add(case=case, data=GOOD, actor=f.manager())
    assert not Finding.objects.exists()


@pytest.mark.parametrize("state", [State.PUBLISHED, State.POST_CHALLENGE, State.CLOSED])
def test_after_the_report_findings_are_recorded(state):
    case = f.PeerChallengeFactory(state=state)
    assert finding_add(case=case, data=GOOD, actor=None).pk


def test_a_finance_review_offers_only_its_own_component():
    case = f.PeerChallengeFactory(
        state=State.REPORT_ISSUED, challenge_type=f.challenge_type("finance")
    )
    assert list(case_components(case)) == ["financial-planning"]
    with pytest.raises(InvalidInput) as raised:
        finding_add(case=case, data=GOOD, actor=None)
    assert "component" in raised.value.errors


def test_edit_and_delete_are_audited_and_follow_the_same_rules(case):
    finding = finding_add(case=case, data=GOOD, actor=None)
    with pytest.raises(InvalidInput):
        finding_edit(finding=finding, data={**GOOD, "theme": "workforce"}, actor=None)
    finding.refresh_from_db()
    assert finding.theme.slug == "partnerships"
    edited = finding_edit(
        finding=finding,
        data={
            **GOOD,
            "component": "capacity-to-deliver",
            "theme": "workforce",
            "polarity": "improvement",
        },
        actor=None,
    )
    assert (edited.component, edited.theme.slug, edited.polarity) == (
        "capacity-to-deliver",
        "workforce",
        "improvement",
    )
    finding_delete(finding=edited, actor=None)
    assert not Finding.objects.exists()
    assert list(
        CaseEvent.objects.filter(challenge=case, action__startswith="reports.finding")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [actions.FINDING_ADDED, actions.FINDING_CHANGED, actions.FINDING_REMOVED]


# --- the panel and the pages -------------------------------------------------------------


def _page(client, user, case):
    client.force_login(user)
    return client.get(f"/cases/{case.pk}/").content.decode()


def test_the_panel_per_role(client, case):
    finding_add(case=case, data=GOOD, actor=None)
    manager_page = _page(client, f.manager(), case)
    assert 'id="findings"' in manager_page
    assert "Partners speak highly" in manager_page
    assert 'data-testid="add-finding"' in manager_page
    assert f"/reports/cases/{case.pk}/findings/" in manager_page
    lead_page = _page(client, f.programme_lead(), case)
    assert "Partners speak highly" in lead_page
    assert 'data-testid="add-finding"' not in lead_page
    assert "/findings/" not in lead_page
    peer = f.peer_user()
    f.place(case, peer=peer.peer)
    peer_page = _page(client, peer, case)
    assert "Partners speak highly" in peer_page
    assert "/findings/" not in peer_page


def test_a_manager_records_a_finding_through_the_page(client, case):
    client.force_login(f.manager())
    url = f"/reports/cases/{case.pk}/findings/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, GOOD)
    assert response.status_code == 302
    assert Finding.objects.get().excerpt == GOOD["excerpt"]


def test_the_form_shows_errors_and_saves_nothing(client, case):
    client.force_login(f.manager())
    response = client.post(
        f"/reports/cases/{case.pk}/findings/new/", {**GOOD, "theme": "workforce"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "is not a theme of “Leadership of place”" in body
    response = client.post(f"/reports/cases/{case.pk}/findings/new/", {**GOOD, "excerpt": ""})
    assert "Enter the excerpt from the report" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_form_on_a_case_without_a_report_is_refused(client):
    case = f.PeerChallengeFactory(state=State.REPORTING)
    client.force_login(f.manager())
    response = client.post(f"/reports/cases/{case.pk}/findings/new/", GOOD)
    assert response.status_code == 409
    assert "no report yet" in response.content.decode()
    assert not Finding.objects.exists()


def test_change_and_remove_pages(client, case):
    finding = finding_add(case=case, data=GOOD, actor=None)
    client.force_login(f.manager())
    base = f"/reports/cases/{case.pk}/findings/{finding.pk}/"
    assert client.get(base).status_code == 200
    assert client.post(base, {**GOOD, "polarity": "improvement"}).status_code == 302
    finding.refresh_from_db()
    assert finding.polarity == "improvement"
    assert "Remove this finding?" in client.get(base + "delete/").content.decode()
    assert client.post(base + "delete/").status_code == 302
    assert not Finding.objects.exists()


def test_a_finding_of_another_case_is_not_found(client, case):
    other = f.PeerChallengeFactory(state=State.CLOSED, host=f.council("BIR"))
    finding = finding_add(case=other, data=GOOD, actor=None)
    client.force_login(f.manager())
    assert client.get(f"/reports/cases/{case.pk}/findings/{finding.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("lead", 403), ("peer on", 403), ("peer off", 404), ("none", 302)]
)
def test_only_managers_may_post_findings(client, case, who, status):
    peer = f.peer_user()
    f.place(case, peer=peer.peer)
    users = {
        "lead": f.programme_lead(),
        "peer on": peer,
        "peer off": f.peer_user(),
        "none": None,
    }
    if users[who] is not None:
        client.force_login(users[who])
    assert client.post(f"/reports/cases/{case.pk}/findings/new/", GOOD).status_code == status
    assert not Finding.objects.exists()


# --- the API -------------------------------------------------------------------------------


def test_the_api_adds_changes_lists_and_removes(case):
    api = f.api_client(f.manager())
    url = f"/api/reports/cases/{case.pk}/findings/"
    response = api.post(url, GOOD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["component_label"], body["theme_name"]) == ("Leadership of place", "Partnerships")
    one = f"{url}{body['id']}/"
    assert api.put(one, {**GOOD, "polarity": "improvement"}, format="json").status_code == 200
    listed = f.api_client(f.programme_lead()).get(url).json()
    assert [(x["theme"], x["polarity"]) for x in listed] == [("partnerships", "improvement")]
    assert api.delete(one).status_code == 204
    assert not Finding.objects.exists()


def test_the_api_names_bad_fields_and_refuses_before_the_report(case):
    api = f.api_client(f.manager())
    response = api.post(
        f"/api/reports/cases/{case.pk}/findings/",
        {**GOOD, "theme": "scrutiny", "excerpt": ""},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"theme", "excerpt"}
    early = f.PeerChallengeFactory(state=State.ONSITE, host=f.council("BIR"))
    response = api.post(f"/api/reports/cases/{early.pk}/findings/", GOOD, format="json")
    assert response.status_code == 409
    assert not Finding.objects.exists()


def test_the_api_lets_only_managers_write(case):
    url = f"/api/reports/cases/{case.pk}/findings/"
    assert f.api_client(f.programme_lead()).post(url, GOOD, format="json").status_code == 403
    assert f.api_client(f.peer_user()).get(url).status_code == 404  # not their case
    assert f.api_client().get(url).status_code in (401, 403)
    assert not Finding.objects.exists()
