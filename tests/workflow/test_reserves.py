"""Reserves: a manager ranks each role's reserves (team_services.reserves_reorder, and
POST /api/challenges/{id}/team/reserves/); when an invitee declines or lets the invitation
lapse, the next reserve of that role is invited by the system in their place
(workflow/reactions_team.py), at most TEAM_MAX_OPEN_INVITATIONS_PER_ROLE invitations of a role
open at once, and the manager is told (RESERVE_INVITED), also when no reserve is left."""

import datetime

import pytest
import time_machine
from django.core import mail

from core.errors import InvalidInput, Refused
from notifications.emails import render_email
from notifications.models import Notification
from peerchallenge.celery import app
from tests.workflow import factories as f
from workflow import actions, team_services
from workflow import reserves as reserves_module
from workflow.models import Assignment, CaseEvent, Peer, State
from workflow.tasks import expire_lapsed_invitations
from workflow.timeline import timeline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_june_2025")]

Status = Assignment.Status
Role = Assignment.Role
TODAY = datetime.date(2025, 6, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.TEAM_ASSEMBLY)


def reserve(case, actor, role=Role.OFFICER, **peer) -> Assignment:
    kind = Peer.Kind.MEMBER if role in (Role.MEMBER, Role.LEAD_MEMBER) else Peer.Kind.OFFICER
    return team_services.assignment_add(
        challenge=case, peer=f.PeerFactory(kind=kind, **peer), actor=actor, role=role, invite=False
    )


def invitee(case, actor, role=Role.OFFICER) -> Assignment:
    kind = Peer.Kind.MEMBER if role in (Role.MEMBER, Role.LEAD_MEMBER) else Peer.Kind.OFFICER
    return team_services.assignment_add(
        challenge=case, peer=f.PeerFactory(kind=kind), actor=actor, role=role
    )


def decline(place: Assignment, actor) -> None:
    team_services.assignment_transition(
        assignment=place, name="decline", actor=actor, decline_reason="dates"
    )


def status(place: Assignment) -> str:
    place.refresh_from_db()
    return place.status


def events(case, action: str) -> list[CaseEvent]:
    return list(case.events.filter(action=action).order_by("pk"))


def manager_told(case) -> list[Notification]:
    return list(Notification.objects.filter(challenge=case, kind=Notification.Kind.RESERVE_INVITED))


# --- the queue: new reserves at its end, a manager's ranking --------------------------------


def test_a_new_reserve_joins_the_end_of_its_roles_queue(case, actor):
    first, second = reserve(case, actor), reserve(case, actor)
    member = reserve(case, actor, role=Role.MEMBER)
    invited = invitee(case, actor)

    assert (first.reserve_rank, second.reserve_rank) == (1, 2)
    assert member.reserve_rank == 1, "each role has its own queue"
    assert invited.reserve_rank is None


def test_a_reserve_moved_to_another_role_joins_the_end_of_that_queue(case, actor):
    specialist = reserve(case, actor, role=Role.SPECIALIST)
    officer = reserve(case, actor)

    team_services.assignment_update(
        assignment=officer, actor=actor, changes={"role": Role.SPECIALIST}
    )

    officer.refresh_from_db()
    assert (specialist.reserve_rank, officer.reserve_rank) == (1, 2)


def test_a_manager_ranks_a_roles_reserves_with_one_event(case, actor):
    a, b, c = (reserve(case, actor) for _ in range(3))

    ranked = team_services.reserves_reorder(
        challenge=case, role=Role.OFFICER, order=[c.pk, a.pk, b.pk], actor=actor
    )

    assert [p.pk for p in ranked] == [c.pk, a.pk, b.pk]
    ranks = dict(case.assignments.values_list("pk", "reserve_rank"))
    assert (ranks[c.pk], ranks[a.pk], ranks[b.pk]) == (1, 2, 3)
    [event] = events(case, actions.RESERVES_REORDERED)
    assert event.actor == actor
    assert event.data == {"role": "officer", "reserves": [c.peer_id, a.peer_id, b.peer_id]}
    entry = next(e for e in timeline(case) if e.event == event)
    assert entry.what == "Reserves ranked"
    assert ("In order", f"1. {c.peer}; 2. {a.peer}; 3. {b.peer}") in entry.details
    assert ("Role", "officer peer") in entry.details


def test_the_same_ranking_again_records_nothing(case, actor):
    a, b = reserve(case, actor), reserve(case, actor)

    team_services.reserves_reorder(challenge=case, role=Role.OFFICER, order=[a.pk, b.pk],
                                   actor=actor)  # fmt: skip

    assert events(case, actions.RESERVES_REORDERED) == []


@pytest.mark.parametrize(
    ("order", "field", "words"),
    [
        (lambda a, b, other, inv: [a, b, a], "order", "more than once"),
        (lambda a, b, other, inv: [a, b, other], "order", "not among this team's officer peer"),
        (lambda a, b, other, inv: [a, b, inv], "order", "not among this team's officer peer"),
        (lambda a, b, other, inv: [a, b, 999999], "order", "999999"),
        (lambda a, b, other, inv: [b], "order", "leaves out"),
        (lambda a, b, other, inv: [], "order", "rank every officer peer reserve"),
    ],
    ids=["twice", "another-roles-reserve", "an-invitation", "unknown", "one-left-out", "empty"],
)
def test_a_ranking_that_is_not_exactly_the_roles_reserves_is_a_400_naming_it(
    case, actor, order, field, words
):
    a, b = reserve(case, actor), reserve(case, actor)
    other = reserve(case, actor, role=Role.SPECIALIST)
    invited = invitee(case, actor)
    before = dict(case.assignments.values_list("pk", "reserve_rank"))

    with pytest.raises(InvalidInput) as refused:
        team_services.reserves_reorder(
            challenge=case,
            role=Role.OFFICER,
            order=order(a.pk, b.pk, other.pk, invited.pk),
            actor=actor,
        )

    assert words in " ".join(refused.value.errors[field])
    assert dict(case.assignments.values_list("pk", "reserve_rank")) == before
    assert events(case, actions.RESERVES_REORDERED) == []


def test_a_left_out_reserve_is_named(case, actor):
    a, b = reserve(case, actor), reserve(case, actor, name="Jane Smith")

    with pytest.raises(InvalidInput) as refused:
        team_services.reserves_reorder(challenge=case, role=Role.OFFICER, order=[a.pk],
                                       actor=actor)  # fmt: skip

    assert refused.value.errors == {
        "order": [f"leaves out Jane Smith ({b.pk}): rank every officer peer reserve"]
    }


def test_an_unknown_role_or_one_without_reserves_is_a_400(case, actor):
    with pytest.raises(InvalidInput) as unknown:
        team_services.reserves_reorder(challenge=case, role="captain", order=[], actor=actor)
    with pytest.raises(InvalidInput) as empty:
        team_services.reserves_reorder(challenge=case, role=Role.SHADOW, order=[], actor=actor)

    assert "not a role on a team" in unknown.value.errors["role"][0]
    assert empty.value.errors == {"role": ["this team has no shadow peer reserves to rank"]}


def test_a_closed_cases_reserves_cannot_be_ranked(actor):
    case = f.PeerChallengeFactory(state=State.CLOSED)
    a = f.place(case, status=Status.RESERVE)

    with pytest.raises(Refused, match="team of a closed case cannot change"):
        team_services.reserves_reorder(challenge=case, role=a.role, order=[a.pk], actor=actor)


# --- promotion: the next reserve invited in a lapsed invitee's place ---------------------------


def test_a_decline_invites_the_first_reserve_of_that_role_by_the_system(case, actor):
    declined = invitee(case, actor)
    first, second = reserve(case, actor), reserve(case, actor)
    member = reserve(case, actor, role=Role.MEMBER)

    decline(declined, actor)

    assert (status(first), status(second), status(member)) == (
        Status.INVITED,
        Status.RESERVE,
        Status.RESERVE,
    )
    first.refresh_from_db()
    assert (first.invited_on, first.respond_by) == (TODAY, TODAY + 14 * DAY)
    invite = events(case, actions.ASSIGNMENT_INVITED)[-1]
    assert invite.actor is None
    assert (invite.data["assignment"], invite.data["replaces"]) == (first.pk, declined.peer_id)
    entry = next(e for e in timeline(case) if e.event == invite)
    assert entry.what == f"{first.peer}: invited in place of {declined.peer}"
    assert entry.who == "The system"


def test_the_manager_is_told_whom_the_reserve_replaces(case, actor):
    declined = invitee(case, actor)
    first = reserve(case, actor)

    decline(declined, actor)

    [told] = manager_told(case)
    assert told.recipient_email == case.manager.email
    assert told.context["invited"] == first.peer.name
    assert told.context["replaces"] == declined.peer.name
    email = render_email(told)
    assert email.subject.startswith(f"{first.peer} invited in place of {declined.peer}")
    assert "declined the invitation" in email.body
    assert "answer by Monday 16 June 2025" in email.body


def test_the_managers_own_invitations_do_not_email_the_manager(case, actor):
    invitee(case, actor)
    place = reserve(case, actor)
    team_services.assignment_transition(assignment=place, name="invite", actor=actor)

    assert manager_told(case) == []


def test_the_ranking_decides_who_is_invited(case, actor):
    declined = invitee(case, actor)
    a, b, c = (reserve(case, actor) for _ in range(3))
    team_services.reserves_reorder(
        challenge=case, role=Role.OFFICER, order=[b.pk, c.pk, a.pk], actor=actor
    )

    decline(declined, actor)

    assert [status(p) for p in (a, b, c)] == [Status.RESERVE, Status.INVITED, Status.RESERVE]


def test_an_expiry_invites_the_next_reserve_on_the_day_after_respond_by(case, actor):
    lapsing = invitee(case, actor)  # respond by 16 June
    first = reserve(case, actor)

    with time_machine.travel(datetime.datetime(2025, 6, 16, 23, tzinfo=datetime.UTC)):
        # 17 June 00:00 in London: the 16th is over
        assert expire_lapsed_invitations() == 1
    assert (status(lapsing), status(first)) == (Status.EXPIRED, Status.INVITED)
    first.refresh_from_db()
    assert first.invited_on == datetime.date(2025, 6, 17)
    told = manager_told(case)[0]
    assert "did not answer the invitation in time" in render_email(told).body


def test_the_reserves_own_respond_by_date_is_kept_while_it_is_still_to_come(case, actor):
    declined = invitee(case, actor)
    later = TODAY + 20 * DAY
    first = reserve(case, actor)
    team_services.assignment_update(assignment=first, actor=actor, changes={"respond_by": later})

    decline(declined, actor)

    first.refresh_from_db()
    assert first.respond_by == later


def test_a_reserves_past_respond_by_date_gives_way_to_two_weeks(case, actor):
    first = reserve(case, actor)
    team_services.assignment_update(
        assignment=first, actor=actor, changes={"respond_by": TODAY + DAY}
    )
    declined = invitee(case, actor)

    with time_machine.travel(datetime.datetime(2025, 6, 5, 10, tzinfo=datetime.UTC)):
        decline(declined, actor)

    first.refresh_from_db()
    assert (status(first), first.respond_by) == (Status.INVITED, datetime.date(2025, 6, 19))


def test_no_more_than_k_invitations_of_a_role_are_open_at_once(case, actor, settings):
    settings.TEAM_MAX_OPEN_INVITATIONS_PER_ROLE = 1
    declined, still_open = invitee(case, actor), invitee(case, actor)
    first = reserve(case, actor)

    decline(declined, actor)

    assert status(first) == Status.RESERVE, "one officer invitation is still open"
    assert manager_told(case) == []
    assert status(still_open) == Status.INVITED


def test_a_higher_k_lets_several_invitations_of_a_role_be_open(case, actor, settings):
    settings.TEAM_MAX_OPEN_INVITATIONS_PER_ROLE = 2
    declined, _ = invitee(case, actor), invitee(case, actor)
    first = reserve(case, actor)

    decline(declined, actor)

    assert status(first) == Status.INVITED


def test_k_counts_only_the_same_roles_open_invitations(case, actor, settings):
    settings.TEAM_MAX_OPEN_INVITATIONS_PER_ROLE = 1
    declined = invitee(case, actor)
    invitee(case, actor, role=Role.MEMBER)
    f.place(case, role=Role.OFFICER, status=Status.ACCEPTED)
    first = reserve(case, actor)

    decline(declined, actor)

    assert status(first) == Status.INVITED


def test_a_reserve_who_cannot_be_invited_is_passed_over_and_the_manager_told(case, actor):
    declined = invitee(case, actor)
    gone = reserve(case, actor, name="Gone Away")
    Peer.objects.filter(pk=gone.peer_id).update(is_active=False)
    second = reserve(case, actor)

    decline(declined, actor)

    assert (status(gone), status(second)) == (Status.RESERVE, Status.INVITED)
    invite = events(case, actions.ASSIGNMENT_INVITED)[-1]
    assert invite.data["skipped"] == [
        {"peer": gone.peer_id, "why": "Gone Away is no longer an active peer"}
    ]
    body = render_email(manager_told(case)[0]).body
    assert "Passed over in the queue:\n- Gone Away: Gone Away is no longer an active peer" in body
    entry = next(e for e in timeline(case) if e.event == invite)
    assert ("Passed over", "Gone Away (Gone Away is no longer an active peer)") in entry.details


def test_with_no_reserve_left_the_manager_is_told_so(case, actor):
    declined = reserve(case, actor)  # the role's last reserve, invited by the manager
    team_services.assignment_transition(assignment=declined, name="invite", actor=actor)
    reserve(case, actor, role=Role.MEMBER)  # another role's reserve is not used

    decline(declined, actor)

    [event] = events(case, actions.NO_RESERVE_LEFT)
    assert (event.actor, event.data) == (None, {"role": "officer", "replaces": declined.peer_id})
    [told] = manager_told(case)
    email = render_email(told)
    assert email.subject.startswith("No officer peer reserve left to invite")
    assert "No officer peer reserve is left to invite in their place." in email.body
    entry = next(e for e in timeline(case) if e.event == event)
    assert entry.what == "No reserve left to invite"
    assert ("In place of", str(declined.peer)) in entry.details


def test_a_role_that_never_had_reserves_writes_nothing_more(case, actor):
    declined = invitee(case, actor)
    reserve(case, actor, role=Role.MEMBER)

    decline(declined, actor)

    assert events(case, actions.NO_RESERVE_LEFT) == []
    assert manager_told(case) == [], "the answer's own email tells the manager of the decline"


def test_when_every_reserve_is_passed_over_none_is_left(case, actor):
    declined = invitee(case, actor)
    gone = reserve(case, actor)
    Peer.objects.filter(pk=gone.peer_id).update(is_active=False)

    decline(declined, actor)

    [event] = events(case, actions.NO_RESERVE_LEFT)
    assert [s["peer"] for s in event.data["skipped"]] == [gone.peer_id]
    assert "none of those in the queue could be invited" in render_email(manager_told(case)[0]).body


def test_a_promotion_invites_one_reserve_and_starts_nothing_further(case, actor):
    declined = invitee(case, actor)
    reserves = [reserve(case, actor) for _ in range(3)]

    decline(declined, actor)

    assert [status(p) for p in reserves] == [Status.INVITED, Status.RESERVE, Status.RESERVE]
    assert len(events(case, actions.ASSIGNMENT_INVITED)) == 2  # the decliner's and the reserve's


def test_withdrawing_an_invitation_invites_no_reserve(case, actor):
    taken_back = invitee(case, actor)
    first = reserve(case, actor)

    team_services.assignment_transition(assignment=taken_back, name="withdraw", actor=actor)

    assert status(first) == Status.RESERVE


def test_a_promotion_that_fails_unexpectedly_undoes_the_decline(case, actor, monkeypatch):
    declined = invitee(case, actor)
    first = reserve(case, actor)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reserves_module, "queue", broken)
    with pytest.raises(RuntimeError):
        decline(declined, actor)

    assert (status(declined), status(first)) == (Status.INVITED, Status.RESERVE)
    assert events(case, actions.ASSIGNMENT_DECLINED) == []


# --- the API: POST /api/challenges/{id}/team/reserves/ ----------------------------------------


def reserves_url(case) -> str:
    return f"/api/challenges/{case.pk}/team/reserves/"


def test_the_api_ranks_a_roles_reserves_and_answers_with_them_in_order(case, actor):
    a, b = reserve(case, actor), reserve(case, actor)

    response = f.api_client(actor).post(
        reserves_url(case), {"role": "officer", "order": [b.pk, a.pk]}, format="json"
    )

    assert response.status_code == 200
    assert [(p["id"], p["reserve_rank"]) for p in response.data] == [(b.pk, 1), (a.pk, 2)]
    assert response.data[0]["status"] == "reserve"
    assert len(events(case, actions.RESERVES_REORDERED)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "officer", "order": ["first"]}, "order"),
        ({"role": "officer"}, "order"),
        ({"role": "captain", "order": []}, "role"),
        ({"role": "officer", "order": [1], "extra": 1}, "extra"),
        ({"role": "officer", "order": "1,2"}, "order"),
    ],
)
def test_the_api_refuses_a_malformed_body_with_a_400_naming_the_field(case, actor, body, field):
    reserve(case, actor)

    response = f.api_client(actor).post(reserves_url(case), body, format="json")

    assert response.status_code == 400
    assert field in response.data


def test_the_api_says_what_is_wrong_with_the_ranking(case, actor):
    a = reserve(case, actor, name="Jane Smith")
    b = reserve(case, actor)

    response = f.api_client(actor).post(
        reserves_url(case), {"role": "officer", "order": [b.pk, b.pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.data["order"] == [
        f"lists {b.pk} more than once",
        f"leaves out Jane Smith ({a.pk}): rank every officer peer reserve",
    ]


def test_only_managers_rank_reserves_and_an_unseen_case_is_a_404(case, actor):
    a = reserve(case, actor)
    body = {"role": "officer", "order": [a.pk]}

    as_lead = f.api_client(f.programme_lead()).post(reserves_url(case), body, format="json")
    as_peer = f.api_client(f.peer_user()).post(reserves_url(case), body, format="json")
    anonymous = f.api_client().post(reserves_url(case), body, format="json")
    unknown = f.api_client(actor).post("/api/challenges/999999/team/reserves/", body,
                                       format="json")  # fmt: skip

    assert as_lead.status_code == 403
    assert as_peer.status_code == 404, "a case the peer is not on is not there for them"
    assert anonymous.status_code in (401, 403)  # as every endpoint (test_permissions.py)
    assert unknown.status_code == 404
    assert events(case, actions.RESERVES_REORDERED) == []


def test_a_closed_cases_ranking_is_a_409(actor):
    case = f.PeerChallengeFactory(state=State.CLOSED)
    a = f.place(case, status=Status.RESERVE)

    response = f.api_client(actor).post(
        reserves_url(case), {"role": a.role, "order": [a.pk]}, format="json"
    )

    assert response.status_code == 409


def test_a_reserve_with_a_conflict_found_since_is_passed_over_in_its_words(case, actor):
    declined = invitee(case, actor)
    conflicted, second = reserve(case, actor, name="Pat Moved"), reserve(case, actor)
    Peer.objects.filter(pk=conflicted.peer_id).update(council=f.council("ADU"))  # the host

    decline(declined, actor)

    assert (status(conflicted), status(second)) == (Status.RESERVE, Status.INVITED)
    [skipped] = events(case, actions.ASSIGNMENT_INVITED)[-1].data["skipped"]
    assert skipped["peer"] == conflicted.peer_id
    assert "Adur" in skipped["why"]


def test_the_promoted_reserve_gets_the_invitation_with_its_link(case, actor):
    declined = invitee(case, actor)
    first = reserve(case, actor)

    decline(declined, actor)

    invitation = Notification.objects.get(
        kind=Notification.Kind.INVITATION, recipient_email=first.peer.email
    )
    assert invitation.context["assignment"] == first.pk
    assert "/invitations/" in render_email(invitation).body


def test_only_managers_see_who_was_passed_over_and_why(case, actor):
    declined = invitee(case, actor)
    gone = reserve(case, actor, name="Gone Away")
    Peer.objects.filter(pk=gone.peer_id).update(is_active=False)
    reserve(case, actor)

    decline(declined, actor)

    invite = events(case, actions.ASSIGNMENT_INVITED)[-1]
    [for_peers] = [e for e in timeline(case, personal=False) if e.event == invite]
    assert "Passed over" not in dict(for_peers.details)
    assert "in place of" in for_peers.what


@pytest.fixture
def eager_celery():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.mark.usefixtures("eager_celery")
def test_the_managers_email_is_delivered_once_the_decline_commits(
    case, actor, django_capture_on_commit_callbacks
):
    declined = invitee(case, actor)
    first = reserve(case, actor)

    with django_capture_on_commit_callbacks(execute=True):
        decline(declined, actor)

    sent = [(m.to[0], m.subject) for m in mail.outbox]
    manager = f"{case.manager.username} <{case.manager.email}>"
    subject = f"{first.peer} invited in place of {declined.peer}: Adur [{case.reference}]"
    assert [to for to, about in sent if about == subject] == [manager], "sent once"
    assert f"{first.peer} <{first.peer.email}>" in [to for to, _ in sent], "their invitation"
