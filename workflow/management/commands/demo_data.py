"""A realistic demo programme: staff logins, ~40 peers and ~60 cases over four financial
years, in every state, with follow-ups linked to their parents.

Every case is created and moved on by the services (challenge_create and the transition
services), exactly as the API would, so the timelines, guards and outbox rows are real. Dates
are relative to today: past onsite visits run through to reporting, publication and closure;
future ones stop at the state their date makes plausible.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from workflow import roles, services
from workflow.dates import financial_year_of
from workflow.models import Assignment, ChallengeType, Council, Peer, PeerChallenge, State

PASSWORD = "demo-peer-challenge"
MANAGERS = [
    ("demo-manager-1", "Amira", "Khan"),
    ("demo-manager-2", "Gareth", "Owen"),
    ("demo-manager-3", "Priya", "Shah"),
    ("demo-manager-4", "Tom", "Baker"),
]
FIRST = ["Alex", "Bernadette", "Chris", "Deborah", "Eamon", "Fiona", "Graham", "Hannah"]
LAST = ["Ahmed", "Burton", "Clarke", "Doyle", "Evans"]
GROUPS = ["Conservative", "Labour", "Liberal Democrat", "Independent", "Green"]
JOBS = ["Chief Executive", "Director of Finance", "Director of Place", "Head of Policy"]
SPECIALISMS = ["finance", "governance", "housing", "adult social care", "economic growth"]
OBJECTIVES = [
    "Test the medium-term financial plan",
    "Review the approach to housing delivery",
    "Assess readiness for local government reorganisation",
    "Strengthen partnership working with health",
]
# The types the programme runs most, weighted roughly as the board reports them.
TYPE_WEIGHTS = {"corporate": 8, "finance": 2, "childrens-safeguarding": 1, "adults": 1,
                "culture": 1, "library": 1, "health-and-care": 1}  # fmt: skip
PATH = [
    State.ENQUIRY,
    State.BOOKED,
    State.TEAM_ASSEMBLY,
    State.PREPARATION,
    State.ONSITE,
    State.REPORTING,
    State.REPORT_ISSUED,
    State.PUBLISHED,
    State.POST_CHALLENGE,
    State.CLOSED,
]
DAY = datetime.timedelta(days=1)


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
            with transaction.atomic():
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
        self.user("demo-admin", "Ada", "Admin", roles.ADMIN, is_staff=True, is_superuser=True)
        self.user("demo-lead", "Lesley", "Lead", roles.PROGRAMME_LEAD)
        return [self.user(u, first, last, roles.MANAGER) for u, first, last in MANAGERS]

    def create_peers(self) -> list[Peer]:
        homes = list(Council.objects.active_english().order_by("code"))
        peers = []
        for i, (first, last) in enumerate((f, ln) for ln in LAST for f in FIRST):
            member = i % 2 == 0
            peers.append(
                Peer.objects.create(
                    name=f"{'Cllr ' if member else ''}{first} {last}",
                    email=f"{first}.{last}@peers.example.org".lower(),
                    kind=Peer.Kind.MEMBER if member else Peer.Kind.OFFICER,
                    council=self.rng.choice(homes),
                    political_group=GROUPS[i % len(GROUPS)] if member else "",
                    job_title="" if member else JOBS[i % len(JOBS)],
                    specialisms=self.rng.sample(SPECIALISMS, 2),
                )
            )
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
            ("adults", State.BOOKED, "withdraw"),
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
            onsite = parent.onsite_start + 450 * DAY
            target = state_for(onsite, self.today)
            plans.append(Plan(parent.host, ctype, onsite, target, parent=parent))
        return plans

    # --- building a case through the services ----------------------------------------------

    def build_case(self, i: int, plan: Plan) -> PeerChallenge:
        actor = self.staff[i % len(self.staff)]
        slug = slugify(plan.host.name)
        case = services.challenge_create(
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
        for state in PATH[1 : PATH.index(plan.target) + 1]:
            self.advance(case, state, actor)
        if plan.then == "postpone":
            reason = "The council asked to move the visit after its budget meeting"
            services.challenge_postpone(challenge=case, actor=actor, reason=reason)
        elif plan.then == "withdraw":
            reason = "The council commissioned an external review instead"
            services.challenge_withdraw(challenge=case, actor=actor, reason=reason)
        return case

    def advance(self, case: PeerChallenge, to: State, actor: User) -> None:
        end = case.onsite_end
        issued = min(end + 35 * DAY, self.today)
        steps = {
            State.BOOKED: lambda: services.challenge_book(challenge=case, actor=actor),
            State.TEAM_ASSEMBLY: lambda: services.challenge_start_team_assembly(
                challenge=case,
                actor=actor,
                scope_components=[c["code"] for c in case.challenge_type.mandatory_components],
                local_objectives=self.rng.sample(OBJECTIVES, 2),
            ),
            State.PREPARATION: lambda: self.confirm_team(case, actor),
            State.ONSITE: lambda: services.challenge_start_onsite(challenge=case, actor=actor),
            State.REPORTING: lambda: self.record_feedback(case, actor),
            State.REPORT_ISSUED: lambda: services.challenge_issue_report(
                challenge=case,
                actor=actor,
                report_url=f"https://reports.example.org/{case.reference.lower()}.pdf",
                issued_on=issued,
            ),
            State.PUBLISHED: lambda: services.challenge_publish(
                challenge=case,
                actor=actor,
                publication_url=f"https://{slugify(case.host.name)}.example.org/peer-challenge",
                published_on=min(issued + 40 * DAY, self.today),
                action_plan_url=f"https://{slugify(case.host.name)}.example.org/action-plan",
            ),
            State.POST_CHALLENGE: lambda: services.challenge_start_post_challenge(
                challenge=case, actor=actor
            ),
            State.CLOSED: lambda: services.challenge_close(
                challenge=case, actor=actor, reason="Impact survey completed"
            ),
        }
        steps[to]()

    def confirm_team(self, case: PeerChallenge, actor: User) -> None:
        """Accept the prefilled team (a follow-up) or pick one that fits the type's rules."""
        if not case.assignments.exists():
            ctype = case.challenge_type
            size = min(max(ctype.min_peers, 4), ctype.max_peers)
            eligible = [p for p in self.peers if p.council_id != case.host_id]
            members = self.rng.sample([p for p in eligible if p.kind == Peer.Kind.MEMBER], 1)
            officers = [p for p in eligible if p.kind == Peer.Kind.OFFICER]
            team = members + self.rng.sample(officers, size - 1)
            for position, peer in enumerate(team):
                Assignment.objects.create(challenge=case, peer=peer, is_lead=position < 2)
        case.assignments.update(status=Assignment.Status.ACCEPTED, interests_declared=True)
        services.challenge_confirm_team(challenge=case, actor=actor)

    def record_feedback(self, case: PeerChallenge, actor: User) -> None:
        services.challenge_record_feedback(
            challenge=case, actor=actor, feedback_date=min(case.onsite_end, self.today)
        )
        # The visit is over: each peer's days on it, half days allowed.
        days = Decimal(self.rng.choice(["3.5", "4.0", "4.5"]))
        case.assignments.update(status=Assignment.Status.COMPLETED, days=days)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
        for username, role in [
            ("demo-admin", "admin (superuser)"),
            ("demo-lead", "programme lead (read-only reports)"),
            *[(u, "manager") for u, _, _ in MANAGERS],
            *[(f"demo-peer-{i}", "peer") for i in (1, 2, 3)],
        ]:
            self.stdout.write(f"  {username:<16} {role}")
