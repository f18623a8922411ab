"""The team panel on the case page and a manager's team pages, through Django's test client:
a manager sees every place with its conflicts, override and decline reasons, a peer only the
team and none of that; the readiness checklist is confirm_team's guard; reserves move up and
down their queue; a place's step refuses with its unmet conditions and takes bad input back as
form errors, changing nothing either way."""

import datetime
import re

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.workflow import factories as f
from workflow import team_services
from workflow.models import Assignment, CaseEvent, State

pytestmark = pytest.mark.django_db

Status = Assignment.Status
Role = Assignment.Role


def panel_html(client, case) -> str:
    page = client.get(f"/cases/{case.pk}/").content.decode()
    match = re.search(r'<section class="team-panel".*?</section>', page, re.S)
    assert match, "the case page has a team panel"
    return match.group(0)


def step_url(place: Assignment, step: str) -> str:
    return f"/cases/{place.challenge_id}/team/{place.pk}/steps/{step}/"


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)


@pytest.fixture
def team(case):
    """A team in the making: an accepted lead officer with a soft conflict overridden, an
    invitee, two reserves of one role and a peer who declined, with a reason."""
    overrider = f.manager(first_name="Amira", last_name="Khan")
    return {
        "accepted": f.place(
            case,
            role=Role.LEAD_OFFICER,
            peer=f.PeerFactory(name="Nadia Arun", council=f.council("ARU")),
            override_reason="Works on the coast, not with Adur",
            overridden_by=overrider,
            overridden_at=timezone.now(),
        ),
        "invited": f.place(
            case,
            role=Role.MEMBER,
            status=Status.INVITED,
            peer=f.PeerFactory(name="Cllr Ivo Invited", kind="member"),
            invited_on=datetime.date(2026, 11, 2),
            respond_by=datetime.date(2026, 12, 14),
        ),
        "first": f.place(
            case,
            status=Status.RESERVE,
            peer=f.PeerFactory(name="Rhona First"),
            reserve_rank=1,
        ),
        "second": f.place(
            case,
            status=Status.RESERVE,
            peer=f.PeerFactory(name="Rory Second"),
            reserve_rank=2,
        ),
        "declined": f.place(
            case,
            role=Role.MEMBER,
            status=Status.DECLINED,
            peer=f.PeerFactory(name="Cllr Dora Declined", kind="member"),
            decline_reason=Assignment.DeclineReason.DATES,
            decline_note="Away that week",
        ),
    }


def test_a_manager_sees_every_place_grouped_with_its_conflicts_and_reasons(client, case, team):
    client.force_login(f.manager())

    panel = panel_html(client, case)

    assert f'href="/cases/{case.pk}/candidates/">Choose peers</a>' in panel
    accepted = panel[panel.index("Accepted (1)") : panel.index("Invited (1)")]
    assert "Nadia Arun" in accepted and "Lead officer peer" in accepted
    assert "Adur, the host, and Arun (the peer&#x27;s home council) are both in the South East" in (
        accepted
    )
    assert "Overridden by Amira Khan" in accepted and "Works on the coast" in accepted
    invited = panel[panel.index("Invited (1)") : panel.index("Reserves")]
    assert "Cllr Ivo Invited" in invited
    assert "2 November 2026" in invited and "14 December 2026" in invited
    reserves = panel[panel.index("Reserves") : panel.index("Declined, expired or withdrawn (1)")]
    assert reserves.index("Rhona First") < reserves.index("Rory Second")
    left = panel[panel.index("Declined, expired or withdrawn (1)") :]
    assert '<details class="govuk-details"' in panel
    assert "Cllr Dora Declined" in left
    assert "Not available on the dates: Away that week" in left


def test_a_peer_on_the_case_sees_the_team_without_personal_data(client, case, team):
    peer = f.peer_user()
    f.place(case, peer=peer.peer)
    client.force_login(peer)

    panel = panel_html(client, case)

    assert "Nadia Arun" in panel and "Cllr Ivo Invited" in panel
    for private in [
        "South East",  # a conflict
        "Works on the coast",  # an override's reason
        "Overridden",
        "Cllr Dora Declined",  # who declined, and why
        "Away that week",
        "Rhona First",  # the reserves
        "Move up",
        "/steps/",  # a place's steps
        "Choose peers",
    ]:
        assert private not in panel, private


def test_the_checklist_is_what_confirming_the_team_still_needs(client, case):
    client.force_login(f.manager())
    f.place(case, role=Role.LEAD_OFFICER)

    panel = panel_html(client, case)

    assert "Before the team can be confirmed" in panel
    assert "team has 1 accepted peers; a Corporate peer challenge needs 3 to 6" in panel
    assert "no lead member peer has accepted" in panel

    f.place(case, role=Role.LEAD_MEMBER)
    f.place(case)
    panel = panel_html(client, case)

    assert "no lead member peer has accepted" not in panel
    assert f"/cases/{case.pk}/steps/confirm_team/" in panel and "Ready" in panel


def test_no_checklist_once_the_team_is_confirmed(client):
    case = f.PeerChallengeFactory(state=State.PREPARATION)
    client.force_login(f.manager())

    assert "Before the team can be confirmed" not in panel_html(client, case)


def test_each_reserve_moves_up_or_down_its_queue(client, case, team):
    first, second = team["first"], team["second"]
    client.force_login(f.manager())
    panel = panel_html(client, case)
    assert panel.count(">Move up<") == 1 and panel.count(">Move down<") == 1

    response = client.post(
        f"/cases/{case.pk}/team/reserves/officer/", {"order": [second.pk, first.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#team"
    ranks = dict(case.assignments.filter(status=Status.RESERVE).values_list("pk", "reserve_rank"))
    assert ranks == {second.pk: 1, first.pk: 2}
    page = client.get(response["Location"]).content.decode()
    assert "The officer peer reserves are in their new order." in page
    panel = panel_html(client, case)
    assert panel.index("Rory Second") < panel.index("Rhona First")


@pytest.mark.parametrize(
    "order", [["x"], [], ["{first}"], ["{first}", "{second}", "{invited}"]], ids=str
)
def test_a_stale_or_bad_order_is_refused_and_changes_nothing(client, case, team, order):
    ids = {name: place.pk for name, place in team.items()}
    client.force_login(f.manager())
    events = CaseEvent.objects.count()

    response = client.post(
        f"/cases/{case.pk}/team/reserves/officer/",
        {"order": [o.format(**ids) for o in order]},
        follow=True,
    )

    assert "The reserves were not reordered" in response.content.decode()
    ranks = dict(case.assignments.filter(status=Status.RESERVE).values_list("pk", "reserve_rank"))
    assert ranks == {ids["first"]: 1, ids["second"]: 2}
    assert CaseEvent.objects.count() == events


def test_reordering_is_for_managers_only(client, case, team):
    client.force_login(f.programme_lead())

    response = client.post(
        f"/cases/{case.pk}/team/reserves/officer/", {"order": [team["second"].pk, team["first"].pk]}
    )

    assert response.status_code == 403
    assert Assignment.objects.get(pk=team["first"].pk).reserve_rank == 1


def test_a_manager_withdraws_a_place_with_a_reason(client, case, team):
    place = team["accepted"]
    client.force_login(f.manager())

    form = client.get(step_url(place, "withdraw"))
    assert form.status_code == 200 and "Withdraw from the team" in form.content.decode()
    response = client.post(step_url(place, "withdraw"), {"reason": "Called away"})

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == Status.WITHDRAWN
    event = case.events.get(action="workflow.assignment.withdrawn")
    assert event.reason == "Called away"


def test_days_logged_in_half_days_or_the_form_says_so(client):
    case = f.PeerChallengeFactory(state=State.REPORTING)
    place = f.place(case)
    client.force_login(f.manager())

    response = client.post(step_url(place, "complete"), {"days": "2.3"})

    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    place.refresh_from_db()
    assert place.status == Status.ACCEPTED and place.days is None

    response = client.post(step_url(place, "complete"), {"days": "2.5"})

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == Status.COMPLETED and str(place.days) == "2.5"
    assert "2.5" in panel_html(client, case)


def test_a_refused_step_shows_the_unmet_conditions_and_changes_nothing(client, case, team):
    place = team["accepted"]
    client.force_login(f.manager())
    events = CaseEvent.objects.count()

    preview = client.get(step_url(place, "complete")).content.decode()
    response = client.post(step_url(place, "complete"), {"days": "3"})

    assert "the onsite visit has not started (the case is team assembly)" in preview
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="refused"' in page
    assert "the onsite visit has not started (the case is team assembly)" in page
    place.refresh_from_db()
    assert place.status == Status.ACCEPTED and CaseEvent.objects.count() == events


def test_a_step_the_place_cannot_take_now_says_why_before_the_form(client, case, team):
    client.force_login(f.manager())

    page = client.get(step_url(team["declined"], "withdraw")).content.decode()

    assert "cannot withdraw from the team while Cllr Dora Declined&#x27;s place is declined" in page


@pytest.mark.parametrize("step", ["accept", "decline", "teleport"])
def test_the_peers_own_answers_are_not_a_managers_step(client, case, team, step):
    client.force_login(f.manager())

    assert client.get(step_url(team["invited"], step)).status_code == 404
    assert client.post(step_url(team["invited"], step)).status_code == 404
    assert Assignment.objects.get(pk=team["invited"].pk).status == Status.INVITED


def test_a_place_of_another_case_is_not_found(client, case, team):
    other = f.PeerChallengeFactory(host=f.council("ARU"))
    client.force_login(f.manager())

    url = f"/cases/{other.pk}/team/{team['accepted'].pk}/steps/withdraw/"

    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Assignment.objects.get(pk=team["accepted"].pk).status == Status.ACCEPTED


def test_a_manager_invites_a_reserve_from_its_page(client, case, team):
    place = team["first"]
    client.force_login(f.manager())

    response = client.post(step_url(place, "invite"), {})

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == Status.INVITED
    assert place.respond_by == timezone.localdate() + datetime.timedelta(days=14)


def test_revoking_an_invitations_link_gives_it_a_new_nonce(client, case, team):
    place = team["invited"]
    before = place.link_nonce
    client.force_login(f.manager())

    assert "Revoke the link or send it again" in panel_html(client, case)
    response = client.post(f"/cases/{case.pk}/team/{place.pk}/link/", {"resend": "no"})

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.link_nonce != before and place.status == Status.INVITED


def test_only_an_open_invitation_has_a_link_to_revoke(client, case, team):
    place = team["accepted"]
    before = place.link_nonce
    client.force_login(f.manager())

    response = client.post(f"/cases/{case.pk}/team/{place.pk}/link/", {"resend": "yes"})

    assert response.status_code == 200 and 'id="refused"' in response.content.decode()
    place.refresh_from_db()
    assert place.link_nonce == before


def test_the_team_panel_costs_the_same_queries_however_big_the_team(
    client, case, django_assert_max_num_queries
):
    client.force_login(f.manager())
    for _ in range(2):
        f.place(case)
    client.get(f"/cases/{case.pk}/")  # warm: sessions, groups
    with django_assert_max_num_queries(60) as small:
        client.get(f"/cases/{case.pk}/")
    for _ in range(6):
        f.place(case, status=Status.RESERVE)
        f.place(case, status=Status.INVITED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/cases/{case.pk}/")


def test_assignment_add_as_reserve_shows_in_its_queue(client, case):
    manager = f.manager()
    team_services.assignment_add(
        challenge=case,
        peer=f.PeerFactory(name="Queued Quinn"),
        actor=manager,
        role="officer",
        invite=False,
    )
    client.force_login(manager)

    assert "Queued Quinn" in panel_html(client, case).split("Reserves")[1]


def test_steps_whose_time_has_not_come_are_not_offered(client, case, team):
    client.force_login(f.manager())

    panel = panel_html(client, case)

    accepted = team["accepted"]
    assert step_url(accepted, "withdraw") in panel
    assert step_url(accepted, "complete") not in panel  # the visit has not begun
    assert step_url(team["invited"], "expire") not in panel  # open until 14 December


def test_the_political_balance_counts_accepted_member_peers_by_group(client, case):
    for group in ["labour", "labour", "conservative"]:
        f.place(case, role=Role.MEMBER, peer=f.PeerFactory(kind="member", political_group=group))
    f.place(case, role=Role.MEMBER, status=Status.INVITED, peer=f.PeerFactory(kind="member"))
    client.force_login(f.manager())

    panel = panel_html(client, case)

    assert "Accepted member peers by political group: Labour 2, Conservative 1." in panel


def test_the_timeline_keeps_a_peers_reasons_from_other_peers(client, case):
    invited = f.place(case, status=Status.INVITED, peer=f.PeerFactory(name="Dan Decliner"))
    team_services.assignment_transition(
        assignment=invited,
        name="decline",
        actor=None,
        decline_reason="dates",
        decline_note="Away that week",
    )
    leaving = f.place(case, peer=f.PeerFactory(name="Lee Leaver"))
    team_services.assignment_transition(
        assignment=leaving, name="withdraw", actor=None, reason="Signed off sick"
    )
    peer = f.peer_user()
    f.place(case, peer=peer.peer)

    client.force_login(peer)
    seen_by_peer = client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(f.manager())
    seen_by_manager = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Dan Decliner: declined the invitation" in seen_by_peer
    assert "Lee Leaver: withdrawn from the team" in seen_by_peer
    assert "Away that week" not in seen_by_peer
    assert "not available on the dates" not in seen_by_peer
    assert "Signed off sick" not in seen_by_peer
    assert "Away that week" in seen_by_manager
    assert "Signed off sick" in seen_by_manager


def test_inviting_a_reserve_with_a_soft_conflict_asks_for_the_managers_reason(client, case):
    reserve = f.place(
        case, status=Status.RESERVE, peer=f.PeerFactory(name="Sam Sussex", council=f.council("ARU"))
    )
    client.force_login(f.manager())

    response = client.post(step_url(reserve, "invite"), {"override_reason": "  "})

    assert response.status_code == 200
    errors = response.context["form"].errors["override_reason"]
    assert "Sam Sussex has a soft conflict with the host" in errors[0]
    reserve.refresh_from_db()
    assert reserve.status == Status.RESERVE

    response = client.post(
        step_url(reserve, "invite"), {"override_reason": "Knows coastal regeneration"}
    )

    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.status == Status.INVITED
    assert reserve.override_reason == "Knows coastal regeneration"
    assert "Knows coastal regeneration" in panel_html(client, case)


def test_a_peer_with_a_hard_conflict_cannot_be_invited_and_the_page_says_why(client, case):
    reserve = f.place(
        case,
        status=Status.RESERVE,
        peer=f.PeerFactory(name="Will West Sussex", council=f.council("WSX")),
    )
    client.force_login(f.manager())

    preview = client.get(step_url(reserve, "invite")).content.decode()
    response = client.post(step_url(reserve, "invite"), {"override_reason": "Needed"})

    why = "Adur, the host, is a district of West Sussex"
    assert why in preview
    assert 'id="refused"' in response.content.decode() and why in response.content.decode()
    reserve.refresh_from_db()
    assert reserve.status == Status.RESERVE


def test_a_closed_or_withdrawn_cases_team_offers_no_choosing(client):
    case = f.PeerChallengeFactory(state=State.WITHDRAWN)
    client.force_login(f.manager())

    assert "Choose peers" not in panel_html(client, case)


def test_revoking_and_sending_again_emails_a_new_link(client, case, team):
    place = team["invited"]
    place.peer.email = "ivo@council.example.gov.uk"
    place.peer.save()
    client.force_login(f.manager())

    response = client.post(
        f"/cases/{case.pk}/team/{place.pk}/link/", {"resend": "yes"}, follow=True
    )

    page = response.content.decode()
    assert "Cllr Ivo Invited&#x27;s invitation link is revoked; a new one is on its way." in page
    sent = Notification.objects.filter(
        kind=Notification.Kind.INVITATION, recipient_email="ivo@council.example.gov.uk"
    )
    assert sent.count() == 1 and sent.get().context["resent"] is True
