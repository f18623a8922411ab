"""A realistic demo programme: staff logins, ~40 peers and ~60 cases over four financial
years, in every state, with follow-ups linked to their parents.

Every case is created and moved on by the services (challenge_create, challenge_transition
and the team services), exactly as the API would, so the timelines, guards and outbox rows are
real. Dates are relative to today: past onsite visits run through to reporting, publication and
closure; future ones stop at the state their date makes plausible.

Each step runs on the day it would have happened (the clock is moved with time-machine), so
the guards judge it as they would have then (a booking before the visit, feedback after it)
and the timelines carry plausible dates. All of it is history, so it is loaded while recording
history (core.history): the emails its events caused are on record as sent, never mailed. What
falls due from now on (the reminder sweeps) is sent as usual.
"""

import contextlib
import datetime
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import time_machine
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.history import recording_history
from workflow import roles, services, team_services
from workflow.conflicts import conflicts_for_case
from workflow.dates import financial_year_of
from workflow.models import (
    Assignment,
    ChallengeType,
    Council,
    Peer,
    PeerChallenge,
    Specialism,
    State,
)

PASSWORD = "demo-peer-challenge"
MANAGERS = [
    ("demo-manager-1", "Amira", "Khan"),
    ("demo-manager-2", "Gareth", "Owen"),
    ("demo-manager-3", "Priya", "Shah"),
    ("demo-manager-4", "Tom", "Baker"),
]
FIRST = ["Alex", "Bernadette", "Chris", "Deborah", "Eamon", "Fiona", "Graham", "Hannah"]
LAST = ["Ahmed", "Burton", "Clarke", "Doyle", "Evans"]
GROUPS = ["conservative", "labour", "liberal_democrat", "independent", "green"]
# An officer's role, and the job title of one whose role is "other".
JOBS = [("chief_executive", ""), ("director_of_finance", ""), ("director_of_place", ""),
        ("other", "Head of Policy")]  # fmt: skip
SPECIALISMS = ["finance", "governance", "housing", "adult-social-care", "economic-growth"]
# What peers declare on accepting: most have nothing to declare.
OVERRIDE_REASON = "Knows the area well and has no tie to the council itself"
INTERESTS = ["none", "none", "none", "A former colleague now works for the council"]
OBJECTIVES = [
    "Test the medium-term financial plan",
    "Review the approach to housing delivery",
    "Assess readiness for local government reorganisation",
    "Strengthen partnership working with health",
]
# Who can sign in, and where they land (the pages); staff also have the admin, everyone the API.
LOGINS = [
    ("demo-admin", "admin (superuser): the dashboard at /reports/dashboard/; /admin/"),
    ("demo-lead", "programme lead: the dashboard at /reports/dashboard/, every case"),
    *[
        (username, "manager: the dashboard at /reports/dashboard/, My cases at /cases/")
        for username, _, _ in MANAGERS
    ],
    *[
        (f"demo-peer-{i}", "peer: My challenges at /my/challenges/, My invitations")
        for i in (1, 2, 3)
    ],
]
# The types the programme runs most, weighted roughly as the board reports them.
TYPE_WEIGHTS = {"corporate": 8, "finance": 2, "childrens-safeguarding": 1, "adults": 1,
                "culture": 1, "library": 1, "health-and-care": 1}  # fmt: skip
DAY = datetime.timedelta(days=1)
NOON = datetime.time(12)
# The transition that moves a case into each state of the happy path.
TRANSITION_TO = {
    State.BOOKED: "book",
    State.TEAM_ASSEMBLY: "start_team_assembly",
    State.PREPARATION: "confirm_team",
    State.ONSITE: "start_onsite",
    State.REPORTING: "record_feedback",
    State.REPORT_ISSUED: "issue_report",
    State.PUBLISHED: "publish",
    State.POST_CHALLENGE: "start_post_challenge",
    State.CLOSED: "close",
}
PATH = [State.ENQUIRY, *TRANSITION_TO]


@dataclass
class Plan:
    host: Council
    ctype: ChallengeType
    onsite_start: datetime.date
    target: State  # how far along the happy path to go
    then: str = ""  # "postpone" or "withdraw" once there
    parent: PeerChallenge | None = None


# Days from the onsite start to today below which a case is still in each state.
STATE_UNTIL_DAYS = [
    (-100, State.ENQUIRY),
    (-60, State.BOOKED),
    (-21, State.TEAM_ASSEMBLY),
    (0, State.PREPARATION),
    (4, State.ONSITE),
    (45, State.REPORTING),
    (100, State.REPORT_ISSUED),
    (200, State.PUBLISHED),
    (420, State.POST_CHALLENGE),
]
# A typical case in each state: its onsite visit started this many days ago.
TYPICAL_DAYS_FROM_ONSITE = {
    State.ENQUIRY: -180,
    State.BOOKED: -80,
    State.TEAM_ASSEMBLY: -40,
    State.PREPARATION: -10,
    State.ONSITE: 1,
    State.REPORTING: 20,
    State.REPORT_ISSUED: 70,
    State.PUBLISHED: 150,
    State.POST_CHALLENGE: 300,
    State.CLOSED: 500,
}


# The day (from the onsite start) each state is entered: the day the one before it ends.
ENTERED_ON_DAY = {PATH[i + 1]: until for i, (until, _) in enumerate(STATE_UNTIL_DAYS)}
CREATED_ON_DAY = -150
LONDON = zoneinfo.ZoneInfo("Europe/London")


def dates_of(case: PeerChallenge) -> tuple[datetime.date, datetime.date]:
    """A demo case's onsite dates, which every one of them has."""
    assert case.onsite_start is not None and case.onsite_end is not None
    return case.onsite_start, case.onsite_end


def state_for(onsite_start: datetime.date, today: datetime.date) -> State:
    """The state a case with this onsite date would plausibly be in today."""
    days = (today - onsite_start).days
    return next((state for until, state in STATE_UNTIL_DAYS if days < until), State.CLOSED)


class Command(BaseCommand):
    help = "Load a demo programme (users, peers, cases in every state). Safe to run twice."

    def handle(self, *args, **options):
        if User.objects.filter(username="demo-admin").exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
        else:
            with transaction.atomic(), recording_history():
                self.build()
        self.print_logins()

    def build(self):
        self.today = timezone.localdate()
        self.rng = random.Random(2023)
        self.staff = self.create_staff()
        self.peers = self.create_peers()
        cases = [self.build_case(i, plan) for i, plan in enumerate(self.plans())]
        for i, plan in enumerate(self.follow_up_plans(cases)):
            cases.append(self.build_case(len(cases) + i, plan))
        counts = {s.label: sum(c.state == s for c in cases) for s in State}
        self.stdout.write(
            f"{len(cases)} cases: " + ", ".join(f"{n} {s}" for s, n in counts.items())
        )

    # --- people ----------------------------------------------------------------------------

    def user(self, username, first, last, role, **flags) -> User:
        user = User.objects.create_user(
            username, f"{username}@lga.example.org", PASSWORD, first_name=first, last_name=last
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        for flag, value in flags.items():
            setattr(user, flag, value)
        user.save()
        return user

    def create_staff(self) -> list[User]:
        # Managers work cases in the admin and programme leads look there: the admin admits
        # staff only, and their groups grant what each may do (workflow migration 0003).
        self.user("demo-admin", "Ada", "Admin", roles.ADMIN, is_staff=True, is_superuser=True)
        self.user("demo-lead", "Lesley", "Lead", roles.PROGRAMME_LEAD, is_staff=True)
        return [
            self.user(u, first, last, roles.MANAGER, is_staff=True) for u, first, last in MANAGERS
        ]

    def create_peers(self) -> list[Peer]:
        homes = list(Council.objects.active_english().order_by("code"))
        specialisms = list(Specialism.objects.filter(slug__in=SPECIALISMS).order_by("slug"))
        peers = []
        for i, (first, last) in enumerate((f, ln) for ln in LAST for f in FIRST):
            member = i % 2 == 0
            role, job_title = ("", "") if member else JOBS[i % len(JOBS)]
            peer = Peer.objects.create(
                name=f"{'Cllr ' if member else ''}{first} {last}",
                email=f"{first}.{last}@peers.example.org".lower(),
                kind=Peer.Kind.MEMBER if member else Peer.Kind.OFFICER,
                council=self.rng.choice(homes),
                political_group=GROUPS[i % len(GROUPS)] if member else "",
                officer_role=role,
                job_title=job_title,
            )
            peer.specialisms.set(self.rng.sample(specialisms, 2))
            peers.append(peer)
        for i, peer in enumerate(peers[:3], start=1):
            first, last = peer.name.removeprefix("Cllr ").split()
            peer.user = self.user(f"demo-peer-{i}", first, last, roles.PEER)
            peer.save()
        return peers

    # --- what to build ---------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        """One case every few weeks from April three financial years ago to the end of this
        one (and at least half a year ahead); one more in each state of the happy path, so
        every state is there whatever today is; and the side states."""
        start = datetime.date(financial_year_of(self.today) - 3, 4, 7)
        end = max(datetime.date(financial_year_of(self.today) + 1, 3, 20), self.today + 200 * DAY)
        hosts = iter(self.rng.sample(list(Council.objects.active_english()), 60))
        types = {t.slug: t for t in ChallengeType.objects.all()}
        slugs = self.rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()), k=46)
        plans = []
        for i, slug in enumerate(slugs):
            onsite = start + i * (end - start) / len(slugs)
            plans.append(Plan(next(hosts), types[slug], onsite, state_for(onsite, self.today)))
        for state, days in TYPICAL_DAYS_FROM_ONSITE.items():
            onsite = self.today - days * DAY
            plans.append(Plan(next(hosts), types["corporate"], onsite, state))
        soon = self.today + 150 * DAY
        for slug, state, then in [
            ("corporate", State.BOOKED, "postpone"),
            ("finance", State.TEAM_ASSEMBLY, "postpone"),
            ("corporate", State.ENQUIRY, "withdraw"),
            ("adults", State.TEAM_ASSEMBLY, "withdraw"),  # its invitations withdrawn too
        ]:
            plans.append(Plan(next(hosts), types[slug], soon, state, then=then))
        return plans

    def follow_up_plans(self, cases: list[PeerChallenge]) -> list[Plan]:
        """Progress reviews 15 months after some CPCs that are through their report."""
        ctype = ChallengeType.objects.get(slug="follow-up")
        done = [c.state for c in cases]
        parents = [
            c
            for c, state in zip(cases, done, strict=True)
            if c.challenge_type.slug == "corporate"
            and state in (State.POST_CHALLENGE, State.CLOSED)
        ][:5]
        plans = []
        for parent in parents:
            onsite = dates_of(parent)[0] + 450 * DAY
            target = state_for(onsite, self.today)
            plans.append(Plan(parent.host, ctype, onsite, target, parent=parent))
        return plans

    # --- building a case through the services ----------------------------------------------

    def on_day(self, onsite_start: datetime.date, days: int):
        """The clock on the day `days` from the onsite start; a step not yet due by that
        reckoning happens now, on the real clock."""
        day = onsite_start + days * DAY
        if day >= self.today:
            return contextlib.nullcontext()
        return time_machine.travel(datetime.datetime.combine(day, NOON, tzinfo=LONDON))

    def build_case(self, i: int, plan: Plan) -> PeerChallenge:
        actor = self.staff[i % len(self.staff)]
        with self.on_day(plan.onsite_start, CREATED_ON_DAY):
            case = self.create_case(plan, actor)
        for state in PATH[1 : PATH.index(plan.target) + 1]:
            with self.on_day(plan.onsite_start, ENTERED_ON_DAY[state]):
                self.advance(case, state, actor)
        if plan.then == "postpone":
            reason = "The council asked to move the visit after its budget meeting"
            self.fire(case, "postpone", actor, reason=reason)
        elif plan.then == "withdraw":
            reason = "The council commissioned an external review instead"
            self.fire(case, "withdraw", actor, reason=reason)
        return case

    def create_case(self, plan: Plan, actor: User) -> PeerChallenge:
        slug = slugify(plan.host.name)
        return services.challenge_create(
            actor=actor,
            host=plan.host,
            challenge_type=plan.ctype,
            parent=plan.parent,
            manager=actor,
            onsite_start=plan.onsite_start,
            onsite_end=plan.onsite_start + 3 * DAY,
            chief_executive_name=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
            chief_executive_email=f"chief.executive@{slug}.example.org",
            leader_name=f"Cllr {self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
            leader_email=f"leader@{slug}.example.org",
        )

    def fire(self, case: PeerChallenge, name: str, actor: User, **inputs) -> None:
        services.challenge_transition(challenge=case, name=name, actor=actor, **inputs)

    def advance(self, case: PeerChallenge, to: State, actor: User) -> None:
        today = timezone.localdate()  # the day of this step
        end = dates_of(case)[1]
        issued = min(end + 35 * DAY, today)
        site = f"https://{slugify(case.host.name)}.example.org"
        inputs: dict[State, dict[str, Any]] = {
            State.TEAM_ASSEMBLY: {
                "scope_components": [c["code"] for c in case.challenge_type.mandatory_components],
                "local_objectives": self.rng.sample(OBJECTIVES, 2),
            },
            State.REPORTING: {"feedback_date": min(end, today)},
            State.REPORT_ISSUED: {
                "report_url": f"https://reports.example.org/{case.reference.lower()}.pdf",
                "report_issued_on": issued,
            },
            State.PUBLISHED: {
                "publication_url": f"{site}/peer-challenge",
                "published_on": min(issued + 40 * DAY, today),
                "action_plan_url": f"{site}/action-plan",
            },
            State.CLOSED: {"reason": "Impact survey completed"},
        }
        if to == State.PREPARATION:
            self.accept_team(case, actor)
        self.fire(case, TRANSITION_TO[to], actor, **inputs.get(to, {}))
        if to == State.TEAM_ASSEMBLY:
            self.invite_team(case, actor)
        if to == State.REPORTING:
            self.complete_team(case, actor)

    def invite_team(self, case: PeerChallenge, actor: User) -> None:
        """Team assembly begins: invite a team that fits the type's rules (a lead member peer,
        a lead officer peer, officer peers), with an officer peer in reserve. (A follow-up's
        team was invited when it was opened.)"""
        if case.assignments.exists():
            return
        ctype = case.challenge_type
        size = min(max(ctype.min_peers, 4), ctype.max_peers)
        # No peer with a hard conflict; a soft one (same region...) with the manager's reason.
        found = conflicts_for_case(self.peers, case)
        eligible = [p for p in self.peers if not any(c.is_hard for c in found[p.pk])]
        members = self.rng.sample([p for p in eligible if p.kind == Peer.Kind.MEMBER], 1)
        officers = [p for p in eligible if p.kind == Peer.Kind.OFFICER]
        *team, reserve = members + self.rng.sample(officers, size)
        roles = [Assignment.Role.LEAD_MEMBER, Assignment.Role.LEAD_OFFICER]
        roles += [Assignment.Role.OFFICER] * (size - 2)
        today = timezone.localdate()
        respond_by = max(today + 14 * DAY, dates_of(case)[0] - 30 * DAY)
        for peer, role in zip(team, roles, strict=True):
            team_services.assignment_add(
                challenge=case,
                peer=peer,
                actor=actor,
                role=role,
                respond_by=respond_by,
                override_reason=OVERRIDE_REASON if found[peer.pk] else "",
            )
        team_services.assignment_add(
            challenge=case,
            peer=reserve,
            actor=actor,
            role=Assignment.Role.OFFICER,
            invite=False,
            override_reason=OVERRIDE_REASON if found[reserve.pk] else "",
        )

    def accept_team(self, case: PeerChallenge, actor: User) -> None:
        """The invited peers answer (the manager records it), a fortnight before the team is
        confirmed: each accepts, declaring their interests; now and then an officer peer
        declines and the reserve is invited in their place and accepts."""
        with self.on_day(dates_of(case)[0], ENTERED_ON_DAY[State.PREPARATION] - 14):
            invited = list(case.assignments.filter(status=Assignment.Status.INVITED).order_by("pk"))
            reserve = case.assignments.filter(status=Assignment.Status.RESERVE).first()
            if reserve and invited[-1].role == Assignment.Role.OFFICER and self.rng.random() < 0.3:
                declined = invited.pop()
                reason = self.rng.choice(["dates", "workload"])
                self.team_step(declined, "decline", actor, decline_reason=reason)
                self.team_step(reserve, "invite", actor)
                invited.append(reserve)
            for place in invited:
                self.team_step(place, "accept", actor, interests=self.rng.choice(INTERESTS))

    def complete_team(self, case: PeerChallenge, actor: User) -> None:
        """The visit is over: each peer's days on it, half days allowed."""
        days = Decimal(self.rng.choice(["3.5", "4.0", "4.5"]))
        for place in case.assignments.filter(status=Assignment.Status.ACCEPTED).order_by("pk"):
            self.team_step(place, "complete", actor, days=days)

    def team_step(self, place: Assignment, name: str, actor: User, **inputs) -> None:
        team_services.assignment_transition(assignment=place, name=name, actor=actor, **inputs)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
        for username, role in LOGINS:
            self.stdout.write(f"  {username:<16} {role}")
