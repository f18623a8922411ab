"""The survey invitations' API: listed for staff, extended and revoked by managers; bad input a
400 naming the field, a refusal a 409 in words, anyone else a 403 or 404; nothing changed by a
failed request."""

import datetime

import pytest
import time_machine

from surveys import actions
from surveys.links import open_survey, survey_token
from tests.surveys.invitations import (
    CE,
    DAY,
    LEADER,
    events,
    invitation,
    london,
    post_challenge,
    report_issued,
)
from tests.workflow.factories import api_client, manager, peer_user, place, programme_lead

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(london(TODAY), tick=False):
        yield TODAY


def test_staff_list_a_cases_invitations_with_their_flags():
    case = report_issued(leader_email="")
    case.chief_executive_email = "nia@adur.example.gov.uk"
    case.save()

    for user in (manager(), programme_lead()):
        answer = api_client(user).get(f"/api/challenges/{case.pk}/surveys/")
        assert answer.status_code == 200
        by_role = {row["respondent"]: row for row in answer.json()}
        assert by_role[CE]["status"] == "sent" and by_role[CE]["contact_changed"] is True
        assert by_role[CE]["expires_on"] == "2026-03-30"
        assert by_role[LEADER]["status"] == "scheduled"
        assert by_role[LEADER]["waiting_for_address"] is True


def test_a_peer_is_refused_and_an_unknown_case_is_a_404():
    case = report_issued()
    on_the_team = peer_user()
    place(case, peer=on_the_team.peer)

    assert api_client(on_the_team).get(f"/api/challenges/{case.pk}/surveys/").status_code == 403
    # A case the user may not see is a 404, as on the case's other endpoints.
    assert api_client(peer_user()).get(f"/api/challenges/{case.pk}/surveys/").status_code == 404
    assert api_client(manager()).get("/api/challenges/999999/surveys/").status_code == 404


def test_a_manager_extends_a_closing_date():
    case = report_issued()
    one = invitation(case, CE)

    answer = api_client(manager()).post(
        f"/api/surveys/invitations/{one.pk}/extend/", {"until": "2026-04-20"}, format="json"
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["expires_on"] == "2026-04-20"
    assert len(events(case, actions.SURVEY_EXTENDED)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "until"), ({"until": "next week"}, "until"), ({"until": "2026-03-01"}, "until")],
)
def test_a_bad_closing_date_is_a_400_and_changes_nothing(body, field):
    case = report_issued()
    one = invitation(case, CE)

    answer = api_client(manager()).post(
        f"/api/surveys/invitations/{one.pk}/extend/", body, format="json"
    )

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert invitation(case, CE).expires_on == TODAY + 28 * DAY


def test_extending_a_survey_not_yet_sent_is_refused_in_words():
    case = post_challenge()
    one = invitation(case, CE)

    answer = api_client(manager()).post(
        f"/api/surveys/invitations/{one.pk}/extend/", {"until": "2026-04-20"}, format="json"
    )

    assert answer.status_code == 409
    assert answer.json()["unmet"] == ["the survey has not been sent yet: it has no closing date"]


def test_a_manager_revokes_and_sends_again():
    case = report_issued()
    one = invitation(case, CE)
    old = survey_token(one)

    answer = api_client(manager()).post(
        f"/api/surveys/invitations/{one.pk}/revoke/", {}, format="json"
    )

    assert answer.status_code == 200
    assert open_survey(old) is None
    assert len(events(case, actions.SURVEY_SENT_AGAIN)) == 1


def test_a_programme_lead_may_not_revoke():
    case = report_issued()
    one = invitation(case, CE)

    answer = api_client(programme_lead()).post(
        f"/api/surveys/invitations/{one.pk}/revoke/", {"send_again": False}, format="json"
    )

    assert answer.status_code == 403
    assert open_survey(survey_token(one)) == one
