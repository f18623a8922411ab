"""P2 of issue 11, the framework's overhead: the case list's page of 50 through the API against
a bare `JsonResponse` of the same rows built by hand, both through Django's test client and
its whole middleware, on a small database of their own (50 cases with teams: the framework's
time, not the database's, is what is compared). Target: the API at >= 0.10x the bare view's
throughput. Appends its result to bench/latest-run.md. Run by bench/run after measure.py:

    DATABASE_URL=postgres://... python bench/overhead.py

The bare view answers only here (this module is the urlconf while it runs): it is not an
endpoint of the project.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.in_process import as_in_production  # noqa: E402
from workflow import services  # noqa: E402
from workflow.choices import AssignmentRole, AssignmentStatus  # noqa: E402
from workflow.models import (  # noqa: E402
    Assignment,
    ChallengeType,
    Council,
    Peer,
    PeerChallenge,
    State,
)

ROWS, TEAM, RUNS = 50, 4, 300
API = "/api/challenges/"
BARE = "/bench/bare-cases/"

CASE_COLUMNS = [
    "id", "state", "postponed_from", "onsite_start", "onsite_end", "feedback_date",
    "scope_components", "local_objectives", "chief_executive_name", "chief_executive_email",
    "leader_name", "leader_email", "report_url", "report_file", "report_issued_on",
    "publication_url", "published_on", "action_plan_url", "action_plan_published_on",
    "postponed_reason", "withdrawn_reason", "closed_reason", "created_at", "updated_at",
    "host__code", "host__name", "challenge_type__slug", "challenge_type__name", "parent_id",
    "manager_id", "manager__username", "manager__first_name", "manager__last_name",
]  # fmt: skip


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime.datetime) -> str:
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def bare_cases(request: HttpRequest) -> JsonResponse:
    """The page by hand, as a developer would write it without a framework: `.values()` rows
    of the page's cases and of their teams, labels from dicts, and each state's transitions
    worked out once (they follow from the state; the user is a superuser, so may fire them)."""
    rows = list(PeerChallenge.objects.order_by("-onsite_start", "-pk").values(*CASE_COLUMNS)[:50])
    teams: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    role_labels = dict(AssignmentRole.choices)
    status_labels = dict(AssignmentStatus.choices)
    places = (
        Assignment.objects.filter(challenge_id__in=teams)
        .in_team_order()
        .values("id", "challenge_id", "peer_id", "peer__name", "peer__kind", "role", "status")
    )
    for place in places:
        teams[place["challenge_id"]].append(
            {
                "id": place["id"],
                "peer_id": place["peer_id"],
                "peer_name": place["peer__name"],
                "kind": place["peer__kind"],
                "role": place["role"],
                "role_label": str(role_labels[place["role"]]),
                "status": place["status"],
                "status_label": str(status_labels[place["status"]]),
            }
        )
    state_labels = dict(State.choices)
    steps: dict[tuple[str, str], list[dict]] = {}
    marker = 9_876_543_210  # the report file's URL with an id in place of this one
    report_url = request.build_absolute_uri(reverse("challenge-report-file", kwargs={"pk": marker}))
    before, after = report_url.split(str(marker))
    out = []
    for row in rows:
        key = (row["state"], row["postponed_from"])
        if key not in steps:
            case = PeerChallenge(state=row["state"], postponed_from=row["postponed_from"])
            steps[key] = services.available_transitions(case, request.user, with_unmet=False)
        manager = None
        if row["manager_id"] is not None:
            name = f"{row['manager__first_name']} {row['manager__last_name']}".strip()
            manager = {"id": row["manager_id"], "username": row["manager__username"], "name": name}
        parent = row["parent_id"]
        out.append(
            {
                "id": row["id"],
                "reference": f"PC-{row['id']:05d}",
                "host": {"code": row["host__code"], "name": row["host__name"]},
                "type": {"slug": row["challenge_type__slug"], "name": row["challenge_type__name"]},
                "parent": None
                if parent is None
                else {"id": parent, "reference": f"PC-{parent:05d}"},
                "manager": manager,
                "state": row["state"],
                "state_label": str(state_labels[row["state"]]),
                "postponed_from": row["postponed_from"],
                "onsite_start": _day(row["onsite_start"]),
                "onsite_end": _day(row["onsite_end"]),
                "feedback_date": _day(row["feedback_date"]),
                "scope_components": row["scope_components"],
                "local_objectives": row["local_objectives"],
                "chief_executive_name": row["chief_executive_name"],
                "chief_executive_email": row["chief_executive_email"],
                "leader_name": row["leader_name"],
                "leader_email": row["leader_email"],
                "report_url": row["report_url"],
                "report_file": f"{before}{row['id']}{after}" if row["report_file"] else None,
                "report_issued_on": _day(row["report_issued_on"]),
                "publication_url": row["publication_url"],
                "published_on": _day(row["published_on"]),
                "action_plan_url": row["action_plan_url"],
                "action_plan_published_on": _day(row["action_plan_published_on"]),
                "postponed_reason": row["postponed_reason"],
                "withdrawn_reason": row["withdrawn_reason"],
                "closed_reason": row["closed_reason"],
                "team": teams[row["id"]],
                "available_transitions": steps[key],
                "created_at": _moment(row["created_at"]),
                "updated_at": _moment(row["updated_at"]),
            }
        )
    return JsonResponse({"results": out})


urlpatterns = [path(BARE.strip("/") + "/", bare_cases), path("", include(settings.ROOT_URLCONF))]


def fill(n_cases: int) -> None:
    """50 finished cases across hosts, types and states, each with a team of four."""
    hosts = list(Council.objects.filter(is_active_english_council=True)[:n_cases])
    types = list(ChallengeType.objects.all())
    today = timezone.localdate()
    finished = [State.CLOSED, State.WITHDRAWN]
    cases = PeerChallenge.objects.bulk_create(
        PeerChallenge(
            host=hosts[i % len(hosts)],
            challenge_type=types[i % len(types)],
            state=finished[i % 2],
            onsite_start=today - datetime.timedelta(days=30 * i),
            onsite_end=today - datetime.timedelta(days=30 * i - 3),
            scope_components=["leadership", "finance"],
            chief_executive_name="Chris Executive",
            chief_executive_email="ce@example.org",
            report_file=f"reports/{i}.pdf" if i % 3 == 0 else "",
        )
        for i in range(n_cases)
    )
    member = {"kind": Peer.Kind.MEMBER, "political_group": Peer.PoliticalGroup.values[0]}
    officer = {"kind": Peer.Kind.OFFICER, "officer_role": Peer.OfficerRole.values[0]}
    peers = Peer.objects.bulk_create(
        Peer(name=f"Peer {i}", email=f"peer{i}@example.org", **(member if i % 2 else officer))
        for i in range(4 * TEAM)
    )
    roles = [AssignmentRole.LEAD_MEMBER, AssignmentRole.LEAD_OFFICER, AssignmentRole.MEMBER,
             AssignmentRole.OFFICER]  # fmt: skip
    Assignment.objects.bulk_create(
        Assignment(
            challenge=case,
            peer=peers[(i + slot) % len(peers)],
            role=roles[slot],
            status=AssignmentStatus.RESERVE,
        )
        for i, case in enumerate(cases)
        for slot in range(TEAM)
    )


def medians_ms(client: Client, urls: list[str], clock) -> list[float]:
    """Each URL's median time by `clock`, the URLs taken in turn so that a shared machine's
    load falls on all of them alike."""
    times: list[list[float]] = [[] for _ in urls]
    for _ in range(RUNS):
        for url, url_times in zip(urls, times, strict=True):
            started = clock()
            response = client.get(url, HTTP_ACCEPT="application/json")
            url_times.append((clock() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return [statistics.median(url_times) for url_times in times]


def measure() -> list[float]:
    admin = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    with override_settings(ROOT_URLCONF=__name__):
        api = client.get(API, HTTP_ACCEPT="application/json").json()
        bare = client.get(BARE, HTTP_ACCEPT="application/json").json()
        # The same rows, or the comparison means nothing.
        assert api["count"] == ROWS and api["results"] == bare["results"], "rows differ"
        for _ in range(20):  # warm both up: imports, caches, the connection
            client.get(API, HTTP_ACCEPT="application/json")
            client.get(BARE, HTTP_ACCEPT="application/json")
        # Wall time, and this process's CPU time: the framework's own work, without the
        # waits for PostgreSQL that a loaded machine stretches.
        return [
            *medians_ms(client, [API, BARE], time.perf_counter),
            *medians_ms(client, [API, BARE], time.process_time),
        ]


def main() -> None:
    as_in_production()
    # A throwaway database beside the benchmark's own, dropped afterwards.
    big = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        fill(ROWS)
        api_ms, bare_ms, api_cpu_ms, bare_cpu_ms = measure()
    finally:
        connection.creation.destroy_test_db(big, verbosity=0)
    lines = [
        "",
        "## P2 framework overhead",
        "",
        f"The case list's {ROWS} rows (teams of {TEAM}) through the test client, against a "
        f"bare JsonResponse of the same rows; medians of {RUNS} (ms), load average "
        f"{os.getloadavg()[0]:.1f}. Target: the API at >= 0.10x the bare view's throughput.",
        "",
        "| clock | API | bare | ratio |",
        "|---|---|---|---|",
        f"| wall | {api_ms:.1f} | {bare_ms:.1f} | **{bare_ms / api_ms:.2f}x** |",
        f"| CPU of this process | {api_cpu_ms:.1f} | {bare_cpu_ms:.1f} | "
        f"**{bare_cpu_ms / api_cpu_ms:.2f}x** |",
    ]
    out = Path(__file__).with_name("latest-run.md")
    with out.open("a") as file:
        file.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
