"""The people and open cases of the load run (bench/load/run), on top of bench/generate.py's
programme: N manager accounts (each its own login, so django-axes, which counts per username
and per address, never sees one user signing in fifty times), a pool of peers, and per manager
a share of the generated (closed) cases plus open cases in team assembly, each booked and with
invited peers, made through the services so their events and outbox rows are the real ones.

    python bench/load/setup.py --managers 50 --out users.json

Writes {password, managers: [{username, open_cases, closed_cases}]} for the locustfile.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.errors import InvalidInput, Refused  # noqa: E402
from workflow import roles, services, team_services  # noqa: E402
from workflow.choices import AssignmentRole  # noqa: E402
from workflow.models import ChallengeType, Council, Peer, PeerChallenge  # noqa: E402

PEERS = 300
OPEN_CASES_PER_MANAGER = 2
CLOSED_CASES_KEPT = 30  # per manager, for the locustfile's case pages
TEAM = [AssignmentRole.LEAD_MEMBER, AssignmentRole.LEAD_OFFICER, AssignmentRole.OFFICER]


def make_managers(count: int, password: str) -> list[User]:
    # One hash for all: PBKDF2 at Django's cost is a quarter of a second per call.
    hashed = make_password(password)
    users = User.objects.bulk_create(
        User(
            username=f"load-manager-{i:02d}",
            email=f"load-manager-{i:02d}@example.org",
            first_name="Load",
            last_name=f"Manager {i:02d}",
            password=hashed,
        )
        for i in range(1, count + 1)
    )
    Group.objects.get_or_create(name=roles.MANAGER)[0].user_set.add(*users)
    return users


def make_peers(rng: random.Random, councils: list[Council]) -> list[Peer]:
    officer_roles = [value for value, _ in Peer.OfficerRole.choices if value != "other"]
    groups = [value for value, _ in Peer.PoliticalGroup.choices]
    peers = []
    for i in range(PEERS):
        member = i % 2 == 0
        peers.append(
            Peer(
                name=f"Load Peer {i:03d}",
                email=f"load-peer-{i:03d}@council.example.gov.uk",
                kind=Peer.Kind.MEMBER if member else Peer.Kind.OFFICER,
                council=rng.choice(councils),
                political_group=rng.choice(groups) if member else "",
                officer_role="" if member else rng.choice(officer_roles),
            )
        )
    return Peer.objects.bulk_create(peers)


def share_closed_cases(managers: list[User]) -> None:
    """The generated cases have no manager: deal them out, so each manager's "My cases" is a
    real list (a thousand rows each at scale 0.1 with 50 managers)."""
    ids = [user.pk for user in managers]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PeerChallenge._meta.db_table} SET manager_id = (%s::bigint[])[1 + id %% %s]"
            " WHERE manager_id IS NULL",
            [ids, len(ids)],
        )
        cursor.execute(f"ANALYZE {PeerChallenge._meta.db_table}")


def open_case(manager: User, hosts, kind: ChallengeType, start: datetime.date, peers):
    """A case in team assembly: created at the next host without an open case of the type,
    booked (the booking confirmation to the council's contacts) and scoped through the
    services, then three peers invited (their invitations)."""
    for host in hosts:
        try:
            case = services.challenge_create(
                actor=manager,
                host=host,
                challenge_type=kind,
                manager=manager,
                onsite_start=start,
                onsite_end=start + datetime.timedelta(days=3),
                chief_executive_name="Chris Executive",
                chief_executive_email=f"ce@{host.code.lower()}.example.gov.uk",
                leader_name="Lee Leader",
                leader_email=f"leader@{host.code.lower()}.example.gov.uk",
            )
            break
        except Refused:  # the generated programme has an open case there
            continue
    services.challenge_transition(challenge=case, name="book", actor=manager)
    services.challenge_transition(
        challenge=case,
        name="start_team_assembly",
        actor=manager,
        scope_components=[c["code"] for c in kind.mandatory_components],
        local_objectives=["Test the medium-term financial plan"],
    )
    for role in TEAM:
        want = Peer.Kind.MEMBER if role in (AssignmentRole.LEAD_MEMBER,) else Peer.Kind.OFFICER
        for peer in (p for p in peers if p.kind == want and p.council_id != host.pk):
            try:
                team_services.assignment_add(challenge=case, peer=peer, actor=manager, role=role)
                break
            except (Refused, InvalidInput):  # a conflict or a full diary: the next peer
                continue
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(5)
    password = secrets.token_urlsafe(16)
    councils = list(Council.objects.active_english().order_by("code"))
    managers = make_managers(args.managers, password)
    peers = make_peers(rng, councils)
    share_closed_cases(managers)
    corporate = ChallengeType.objects.get(slug="corporate")
    hosts = iter(councils)  # one open case per host and type: a host each
    today = timezone.localdate()
    out = []
    for i, manager in enumerate(managers):
        opened = []
        for j in range(OPEN_CASES_PER_MANAGER):
            start = today + datetime.timedelta(days=60 + (i * OPEN_CASES_PER_MANAGER + j) % 200)
            opened.append(open_case(manager, hosts, corporate, start, rng.sample(peers, 40)))
        closed = PeerChallenge.objects.filter(manager=manager).exclude(
            pk__in=[c.pk for c in opened]
        )
        out.append(
            {
                "username": manager.username,
                "open_cases": [c.pk for c in opened],
                "closed_cases": list(closed.values_list("pk", flat=True)[:CLOSED_CASES_KEPT]),
            }
        )
    Path(args.out).write_text(json.dumps({"password": password, "managers": out}, indent=1))
    print(f"{len(managers)} managers, {len(peers)} peers, {2 * len(managers)} open cases")


if __name__ == "__main__":
    main()
