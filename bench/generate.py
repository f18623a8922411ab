"""Fill PostgreSQL with a programme at scale for the benchmark (issue 11): cases across states,
types and 20 financial years, their audit events, an outbox of which 1% is due, the peer pool
and its teams, the council surveys with their answers, and report findings and good practice.

    DATABASE_URL=postgres://... python bench/generate.py --scale 0.01

Scale 1 = 100,000 cases (98% finished, 2% open: one per host and type), 300,000 events,
1,000,000 outbox rows (10,000 due), 2,000 peers (a tenth with a sign-in), 400,000 team places,
200,000 survey invitations (about 1.3 million answers), findings on a third of the closed cases
and good practice on one in a hundred. Most closed corporate peer challenges are followed up
(FOLLOW_UP_SHARE) by a follow-up visit one to two years later at the same council, with some
or all of the same team: a case of the follow-up type linked to its parent (the only cases of
that type), within the 100,000. Rows go in with COPY (psycopg 3), so scale 1 takes
minutes, not hours. Consistent with each case's state: a closed case's team completed with
days logged, a withdrawn case's team withdrawn or declined, an open case's invited, accepted or
in reserve; surveys only for visits that ended.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications.models import Notification  # noqa: E402
from reports.models import Finding, GoodPractice, Theme  # noqa: E402
from surveys.models import Answer, Question, Questionnaire, SurveyInvitation  # noqa: E402
from workflow import roles  # noqa: E402
from workflow.choices import (  # noqa: E402
    HOLDS_A_PLACE,
    MEMBER_ROLES,
    OFFICER_ROLES,
    AssignmentRole,
    AssignmentStatus,
    PeerKind,
)
from workflow.models import (  # noqa: E402
    Assignment,
    CaseEvent,
    ChallengeType,
    Council,
    OfficerRole,
    Peer,
    PeerChallenge,
    PeerFormerCouncil,
    PoliticalGroup,
    State,
)

CASES, EVENTS_PER_CASE, OUTBOX, DUE_SHARE = 100_000, 3, 1_000_000, 0.01
PEERS, PEERS_WITH_USERS, ASSIGNMENTS, INVITATIONS = 2_000, 0.1, 400_000, 200_000
OPEN_SHARE = 0.02
# Most corporate peer challenges have a follow-up visit (a progress review) one to two years
# after the visit, by some or all of the same team (DOMAIN.md: Follow-Up Visit).
CPC, FOLLOW_UP_SHARE, FOLLOW_UP_AFTER = "corporate", 0.7, (365, 730)
FINISHED = [State.CLOSED, State.CLOSED, State.CLOSED, State.CLOSED, State.WITHDRAWN]
# Open cases, with the team places their state allows.
BEFORE_VISIT = [State.ENQUIRY, State.BOOKED, State.TEAM_ASSEMBLY, State.PREPARATION]
AFTER_VISIT = [
    State.ONSITE,
    State.REPORTING,
    State.REPORT_ISSUED,
    State.PUBLISHED,
    State.POST_CHALLENGE,
]
HALF_DAYS = [Decimal(n) / 2 for n in range(3, 13)]  # 1.5 to 6 days
# The columns of Generator._case_row's tuples, in order.
CASE_COLUMNS = (
    "host_id challenge_type_id state postponed_from scope_components local_objectives "
    "report_file report_url publication_url action_plan_url chief_executive_name "
    "chief_executive_email leader_name leader_email postponed_reason withdrawn_reason "
    "closed_reason onsite_start onsite_end feedback_date report_issued_on published_on "
    "created_at updated_at"
)
ONSITE_END = CASE_COLUMNS.split().index("onsite_end")
S = AssignmentStatus


def progress(label: str, done: int, total: int, started: float) -> None:
    width = 30
    filled = width * min(done, total) // max(total, 1)
    rate = done / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(
        f"\r{label:<11} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {rate:,.0f}/s"
    )


def copy_rows(table: str, columns: str, rows, total: int, label: str) -> int:
    """COPY `rows` (tuples in the order of `columns`, names separated by spaces) into `table`;
    `total` is the progress bar's estimate. Returns the rows written."""
    started = time.monotonic()
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 under Django's wrapper
        sql = f"COPY {table} ({', '.join(columns.split())}) FROM STDIN"
        with raw.copy(sql) as copy:
            for done, row in enumerate(rows, 1):
                copy.write_row(row)
                if done % 10_000 == 0:
                    progress(label, done, total, started)
    progress(label, done, max(done, 1), started)
    sys.stderr.write(f"  {time.monotonic() - started:.1f} s\n")
    return done


def nonce(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


class Generator:
    def __init__(self, scale: float, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.hosts = list(Council.objects.values_list("pk", flat=True))
        types = ChallengeType.objects.values_list("pk", "slug", "requires_parent")
        # A follow-up's type needs a parent (the guards': workflow.guards): such cases are only
        # made as follow-ups of a CPC, never drawn at random.
        self.types = [pk for pk, _slug, follows in types if not follows]
        self.follow_up_type = next((pk for pk, _s, follows in types if follows), None)
        self.cpc = next((pk for pk, slug, _f in types if slug == CPC), None)
        # Ids are read back after each COPY from here on: the generator adds to what is there.
        self.first_case = self._next_id(PeerChallenge)

    @staticmethod
    def _next_id(model) -> int:
        return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def run(self) -> None:
        self.cases()
        self.events()
        self.outbox()
        self.peers()
        self.assignments()
        self.surveys()
        self.findings()
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map as production's autovacuum would: without it an
            # index-only scan reads the table too and the planner prefers sequential scans.
            # It cannot run inside a transaction (a test's): there, statistics alone.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

    # --- cases ---------------------------------------------------------------------------

    def _case_row(self, host, ctype, state, start, postponed_from=""):
        rng, today = self.rng, self.today
        end = start + datetime.timedelta(days=3) if start else None
        visited = state in (State.CLOSED, *AFTER_VISIT)
        feedback = end if visited else None
        issued = published = None
        report_url = publication_url = ""
        if state in (State.CLOSED, State.REPORT_ISSUED, State.PUBLISHED, State.POST_CHALLENGE):
            issued = min(end + datetime.timedelta(days=rng.randrange(20, 60)), today)
            report_url = "https://example.org/report.pdf"
        if state in (State.CLOSED, State.PUBLISHED, State.POST_CHALLENGE):
            published = min(issued + datetime.timedelta(days=rng.randrange(0, 60)), today)
            publication_url = "https://example.org/published.pdf"
        return (
            host,
            ctype,
            state,
            postponed_from,
            "[]",
            "[]",
            "",
            report_url,
            publication_url,
            "",
            "Chris Executive",
            "ce@example.org",
            "Lee Leader",
            "leader@example.org",
            "",
            "",
            "",
            start,
            end,
            feedback,
            issued,
            published,
            self.now,
            self.now,
        )

    def _follow_up(self, parent: tuple, index: int) -> tuple[int, tuple] | None:
        """A closed CPC's follow-up visit, FOLLOW_UP_SHARE of the time: (the parent's index
        among the finished cases, the follow-up's row). One to two years after the parent's
        visit: finished if that is past; else open, at most one per council (a database rule)."""
        rng, today = self.rng, self.today
        host, ctype, state, end = parent[0], parent[1], parent[2], parent[ONSITE_END]
        if ctype != self.cpc or state != State.CLOSED or self.follow_up_type is None:
            return None
        if rng.random() >= FOLLOW_UP_SHARE:
            return None
        start = end + datetime.timedelta(days=rng.randrange(*FOLLOW_UP_AFTER))
        if start <= today - datetime.timedelta(days=30):
            follow_state = rng.choice(FINISHED)
        elif (host, self.follow_up_type) in self.taken:
            return None
        else:
            self.taken.add((host, self.follow_up_type))
            # Visited in the last month: reporting; ahead: being arranged (an enquiry undated).
            follow_state = State.REPORTING if start <= today else rng.choice(BEFORE_VISIT)
            start = None if follow_state == State.ENQUIRY else start
        return index, self._case_row(host, self.follow_up_type, follow_state, start)

    def cases(self) -> None:
        rng, today = self.rng, self.today
        n_cases = int(CASES * self.scale)
        # Not the hosts and types that already hold a place: the generator adds to what is there.
        self.taken = taken = set(
            PeerChallenge.objects.filter(HOLDS_A_PLACE).values_list("host_id", "challenge_type_id")
        )
        pairs = [(h, t) for h in self.hosts for t in self.types if (h, t) not in taken]
        n_open = min(int(n_cases * OPEN_SHARE), len(pairs))
        open_pairs = rng.sample(pairs, n_open)

        # The finished cases, each closed CPC perhaps followed up: both within the total.
        finished: list[tuple] = []
        follow_ups: list[tuple[int, tuple]] = []
        while len(finished) + len(follow_ups) < n_cases - n_open:
            # 20 financial years back; finished, so any number share a host and type.
            start = today - datetime.timedelta(days=rng.randrange(30, 20 * 365))
            row = self._case_row(
                rng.choice(self.hosts), rng.choice(self.types), rng.choice(FINISHED), start
            )
            finished.append(row)
            planned = self._follow_up(row, len(finished) - 1)
            if planned and len(finished) + len(follow_ups) < n_cases - n_open:
                follow_ups.append(planned)

        def rows():
            yield from finished
            for i, (host, ctype) in enumerate(open_pairs):
                # One open case per host and type (a database rule): before the visit, dates
                # ahead (an enquiry has none); after it, a visit of the last months.
                state = (BEFORE_VISIT + AFTER_VISIT)[i % 9] if i % 10 else State.POSTPONED
                if state in AFTER_VISIT:
                    start = today - datetime.timedelta(days=rng.randrange(5, 300))
                elif state == State.ENQUIRY:
                    start = None
                else:
                    start = today + datetime.timedelta(days=rng.randrange(14, 300))
                yield self._case_row(
                    host, ctype, state, start, State.BOOKED if state == State.POSTPONED else ""
                )

        copy_rows(PeerChallenge._meta.db_table, CASE_COLUMNS, rows(), n_cases, "cases")
        # COPY numbers the rows in the order written: the finished cases come first.
        parents = list(
            PeerChallenge.objects.filter(pk__gte=self.first_case)
            .order_by("pk")
            .values_list("pk", flat=True)[: len(finished)]
        )
        copy_rows(
            PeerChallenge._meta.db_table,
            f"{CASE_COLUMNS} parent_id",
            ((*row, parents[index]) for index, row in follow_ups),
            len(follow_ups),
            "follow-ups",
        )
        self.parent_of = dict(
            PeerChallenge.objects.filter(pk__gte=self.first_case, parent__isnull=False).values_list(
                "pk", "parent_id"
            )
        )
        self.case_rows = list(
            PeerChallenge.objects.filter(pk__gte=self.first_case)
            .order_by("pk")
            .values_list("pk", "state", "onsite_start", "onsite_end", "host_id")
        )
        self.case_ids = [row[0] for row in self.case_rows]

    def events(self) -> None:
        now = self.now

        def rows():
            for pk in self.case_ids:
                for step in range(EVENTS_PER_CASE):
                    yield (
                        pk,
                        "workflow.bench",
                        "",
                        State.CLOSED,
                        "",
                        "{}",
                        now - datetime.timedelta(days=EVENTS_PER_CASE - step),
                    )

        copy_rows(
            CaseEvent._meta.db_table,
            "challenge_id action from_state to_state reason data created_at",
            rows(),
            len(self.case_ids) * EVENTS_PER_CASE,
            "events",
        )

    def outbox(self) -> None:
        rng, today, now = self.rng, self.today, self.now
        n_outbox = int(OUTBOX * self.scale)
        due = int(n_outbox * DUE_SHARE)
        case_ids = self.case_ids

        def rows():
            context = json.dumps({"case": None})
            for i in range(n_outbox):
                queued = i < due
                yield (
                    Notification.Kind.MANUAL,
                    f"bench{self.first_case}:{i}",
                    f"r{i}@example.org",
                    "Robin",
                    today - datetime.timedelta(days=1)
                    if queued
                    else today - datetime.timedelta(days=rng.randrange(7000)),
                    context,
                    Notification.Status.QUEUED if queued else Notification.Status.SENT,
                    0 if queued else 1,
                    "",
                    0,
                    0,
                    now,
                    rng.choice(case_ids) if case_ids else None,
                )

        copy_rows(
            Notification._meta.db_table,
            (
                "kind topic_key recipient_email recipient_name due_on context status attempts "
                "last_error stale_requeues uncertain_sends created_at challenge_id"
            ),
            rows(),
            n_outbox,
            "outbox",
        )

    # --- the peer pool and its teams ---------------------------------------------------

    def peers(self) -> None:
        rng = self.rng
        n_peers = max(20, int(PEERS * self.scale))
        first = self._next_id(Peer)
        tag = f"bench{first}"
        n_users = max(1, int(n_peers * PEERS_WITH_USERS))
        copy_rows(
            User._meta.db_table,
            (
                "password is_superuser username first_name last_name email is_staff is_active "
                "date_joined"
            ),
            (
                (
                    "!",
                    False,
                    f"{tag}-peer{i}",
                    "Peer",
                    str(i),
                    f"{tag}-peer{i}@example.org",
                    False,
                    True,
                    self.now,
                )
                for i in range(n_users)
            ),
            n_users,
            "peer users",
        )
        users = dict(
            User.objects.filter(username__startswith=f"{tag}-peer").values_list("username", "pk")
        )
        peer_group = Group.objects.get_or_create(name=roles.PEER)[0].pk
        copy_rows(
            "auth_user_groups",
            "user_id group_id",
            ((pk, peer_group) for pk in users.values()),
            len(users),
            "peer groups",
        )
        groups = [g for g in PoliticalGroup.values]
        officer_roles = [r for r in OfficerRole.values if r != OfficerRole.OTHER]

        def rows():
            for i in range(n_peers):
                member = i % 2 == 0
                yield (
                    users.get(f"{tag}-peer{i}"),
                    f"Bench Peer {i}",
                    f"{tag}-peer{i}@example.org",
                    PeerKind.MEMBER if member else PeerKind.OFFICER,
                    rng.choice(self.hosts),
                    rng.choice(groups) if member else "",
                    "" if member else rng.choice(officer_roles),
                    "",
                    self.today - datetime.timedelta(days=rng.randrange(30, 3000)),
                    20,
                    i % 25 != 0,
                )

        copy_rows(
            Peer._meta.db_table,
            (
                "user_id name email kind council_id political_group officer_role job_title "
                "accredited_on max_days_per_year is_active"
            ),
            rows(),
            n_peers,
            "peers",
        )
        peers = Peer.objects.filter(pk__gte=first).values_list("pk", "kind", "council_id")
        self.members = [pk for pk, kind, _ in peers if kind == PeerKind.MEMBER]
        self.officers = [pk for pk, kind, _ in peers if kind == PeerKind.OFFICER]
        # A former council for one peer in ten (the conflict checks read them).
        former = [(pk, c) for pk, _, c in peers if pk % 10 == 0]
        copy_rows(
            PeerFormerCouncil._meta.db_table,
            "peer_id council_id until",
            (
                (
                    pk,
                    rng.choice([h for h in self.hosts[:50] if h != home] or self.hosts),
                    self.today - datetime.timedelta(days=rng.randrange(100, 4000)),
                )
                for pk, home in former
            ),
            len(former),
            "former",
        )

    def _team(self, state, roles_: list[str] | None = None):
        """(role, status) of each place of a case in `state`: leads, then members/officers,
        a specialist and sometimes a shadow (or `roles_`); a decline now and then."""
        rng = self.rng
        if roles_ is not None:
            yield from self._statuses(state, roles_)
            return
        roles_ = [AssignmentRole.LEAD_MEMBER, AssignmentRole.LEAD_OFFICER]
        roles_ += rng.choices(
            [
                AssignmentRole.MEMBER,
                AssignmentRole.OFFICER,
                AssignmentRole.SPECIALIST,
                AssignmentRole.SHADOW,
            ],
            weights=[4, 4, 2, 1],
            k=rng.randrange(0, 4),
        )
        yield from self._statuses(state, roles_)

    def _statuses(self, state, roles_: list[str]):
        rng = self.rng
        for role in roles_:
            if rng.random() < 0.15:
                yield role, S.DECLINED
            if state == State.CLOSED:
                yield role, S.COMPLETED
            elif state in (State.WITHDRAWN, State.POSTPONED):
                yield role, S.WITHDRAWN
            elif state in (State.ENQUIRY, State.BOOKED):
                yield role, S.RESERVE
            elif state == State.TEAM_ASSEMBLY:
                yield role, rng.choice([S.INVITED, S.ACCEPTED, S.RESERVE])
            elif state == State.PREPARATION or state == State.ONSITE:
                yield role, S.ACCEPTED
            else:
                yield role, rng.choice([S.ACCEPTED, S.COMPLETED])

    def assignments(self) -> None:
        rng, today, now = self.rng, self.today, self.now
        target = int(ASSIGNMENTS * self.scale)

        parents = set(self.parent_of.values())
        served: dict[int, list[tuple[int, str]]] = {}  # a parent's team, kept for its follow-up

        def rows():
            for pk, state, start, _end, _host in self.case_rows:
                base = (start or today) - datetime.timedelta(days=60)
                invited_on = min(base, today)
                used = set()
                # A follow-up visit's team: some or all of its parent's, in their roles (a
                # parent's id is lower, so its team is written first).
                team = served.pop(self.parent_of[pk], []) if pk in self.parent_of else []
                again = rng.sample(team, rng.randrange(1, len(team) + 1)) if team else []
                for role, status in self._team(state, [r for _, r in again] or None):
                    returning = [p for p, r in again if r == role and p not in used]
                    if returning and status != S.DECLINED:
                        peer = returning[0]
                    else:
                        pool = (
                            self.members
                            if role in MEMBER_ROLES
                            else (
                                self.officers
                                if role in OFFICER_ROLES
                                else rng.choice([self.members, self.officers])
                            )
                        )
                        peer = rng.choice(pool)
                    if peer in used:
                        continue
                    used.add(peer)
                    if pk in parents and status == S.COMPLETED:
                        served.setdefault(pk, []).append((peer, role))
                    declared = status in (S.ACCEPTED, S.COMPLETED)
                    yield (
                        pk,
                        peer,
                        status,
                        role,
                        None if status == S.RESERVE else invited_on,
                        None if status == S.RESERVE else invited_on + datetime.timedelta(days=14),
                        "none" if declared else "",
                        "dates" if status == S.DECLINED else "",
                        "",
                        "",
                        None,
                        None,
                        1 if status == S.RESERVE else None,
                        nonce(rng),
                        rng.choice(HALF_DAYS) if status == S.COMPLETED else None,
                        now,
                        now,
                    )

        copy_rows(
            Assignment._meta.db_table,
            (
                "challenge_id peer_id status role invited_on respond_by interests "
                "decline_reason decline_note override_reason overridden_by_id overridden_at "
                "reserve_rank link_nonce days created_at updated_at"
            ),
            rows(),
            target,
            "places",
        )

    # --- surveys ---------------------------------------------------------------------------

    def surveys(self) -> None:
        rng, today = self.rng, self.today
        questionnaires = {
            q.kind: q
            for q in Questionnaire.objects.filter(published_at__isnull=False).order_by("version")
        }
        target = int(INVITATIONS * self.scale)
        first = self._next_id(SurveyInvitation)
        tz = datetime.UTC

        def at(day):
            return datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)

        def rows():
            made = 0
            for pk, state, _start, end, _host in self.case_rows:
                if state != State.CLOSED or end is None:
                    continue
                # Both respondents' feedback surveys; the impact survey for half the cases.
                kinds = ["feedback"] + (["impact"] if pk % 2 else [])
                for kind in kinds:
                    send_on = end + datetime.timedelta(days=7 if kind == "feedback" else 365)
                    for respondent in ("chief_executive", "leader"):
                        if made >= target:
                            return
                        made += 1
                        if send_on > today:
                            status, sent = "scheduled", None
                        else:
                            # Open (sent) only while its link is: the sweep expires the rest.
                            still_open = send_on + datetime.timedelta(days=28) >= today
                            status = rng.choices(
                                ["completed", "sent" if still_open else "expired"], [2, 1]
                            )[0]
                            sent = at(send_on)
                        done = (
                            at(min(send_on + datetime.timedelta(days=rng.randrange(1, 25)), today))
                            if status == "completed"
                            else None
                        )
                        yield (
                            pk,
                            questionnaires[kind].pk,
                            respondent,
                            "Chris Executive" if respondent == "chief_executive" else "Lee Leader",
                            "ce@example.org"
                            if respondent == "chief_executive"
                            else "leader@example.org",
                            status,
                            send_on,
                            sent,
                            send_on + datetime.timedelta(days=28),
                            done,
                            0,
                            None,
                            "",
                            nonce(rng),
                            self.now,
                            self.now,
                        )

        copy_rows(
            SurveyInvitation._meta.db_table,
            (
                "challenge_id questionnaire_id respondent recipient_name recipient_email status "
                "send_on sent_at expires_on completed_at reminders_sent bounced_at "
                "bounce_reason nonce created_at updated_at"
            ),
            rows(),
            target,
            "invitations",
        )
        questions = {}
        for q in Question.objects.filter(questionnaire__in=questionnaires.values()):
            questions.setdefault(q.questionnaire_id, []).append(q)
        completed = list(
            SurveyInvitation.objects.filter(pk__gte=first, status="completed").values_list(
                "pk", "questionnaire_id"
            )
        )

        def answers():
            for invitation, questionnaire in completed:
                for q in questions[questionnaire]:
                    values = [o["value"] for o in q.options]
                    if q.kind == Question.Kind.CHOICE:
                        # Skewed to the scale's top, as the real returns are.
                        yield (
                            invitation,
                            q.pk,
                            values[min(int(rng.expovariate(1.2)), len(values) - 1)],
                            "[]",
                            "",
                            self.now,
                        )
                    elif q.kind == Question.Kind.MULTIPLE:
                        picked = rng.sample(values[:-2], rng.randrange(1, 3))
                        yield invitation, q.pk, "", json.dumps(picked), "", self.now
                    elif not q.required and rng.random() < 0.5:
                        continue  # optional words left blank
                    else:
                        yield invitation, q.pk, "", "[]", "The team listened well.", self.now

        per = max((len(v) for v in questions.values()), default=0)
        copy_rows(
            Answer._meta.db_table,
            "invitation_id question_id choice choices text updated_at",
            answers(),
            len(completed) * per,
            "answers",
        )

    # --- findings and good practice ----------------------------------------------------------

    def findings(self) -> None:
        rng = self.rng
        themes = list(Theme.objects.values_list("pk", "component"))
        if not themes:
            return
        closed = [row for row in self.case_rows if row[1] == State.CLOSED]
        tagged = [row for row in closed if row[0] % 3 == 0]

        def rows():
            for pk, *_ in tagged:
                for theme, component in rng.sample(themes, 3):
                    yield (
                        pk,
                        component,
                        theme,
                        rng.choice(["strength", "improvement"]),
                        "The council has a clear plan.",
                        self.now,
                    )

        copy_rows(
            Finding._meta.db_table,
            "challenge_id component theme_id polarity excerpt created_at",
            rows(),
            len(tagged) * 3,
            "findings",
        )
        practice = tagged[::33]  # about one closed case in a hundred, each with findings
        copy_rows(
            GoodPractice._meta.db_table,
            ("title summary council_id challenge_id theme_id source status created_at updated_at"),
            (
                (
                    f"Good practice {pk}",
                    "What the council did well.",
                    host,
                    pk,
                    rng.choice(themes)[0],
                    "manager",
                    rng.choice(["draft", "approved", "published", "published"]),
                    self.now,
                    self.now,
                )
                for pk, _s, _st, _e, host in practice
            ),
            len(practice),
            "practice",
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 cases")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    started = time.monotonic()
    Generator(args.scale, args.seed).run()
    print(f"generated at scale {args.scale} in {time.monotonic() - started:.1f} s")
