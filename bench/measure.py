"""Time the reads and jobs of issue 11 on the database bench/generate.py filled, and write
bench/latest-run.md (bench/RESULTS.md is the reviewed run, with notes). Run through
bench/run: it starts PostgreSQL and generates first.

P3 times every page and API GET read from the URL configuration (tests/security/routes.py's
enumeration, so a new page is measured the moment it is routed), as a manager, and the reports
also as the programme lead; path parameters are real rows of a busy case. Each read's first
call is shown apart: kept figures (core/snapshots.py) are computed in it.
`bench/measure.py --only REGEX` times only the reads whose URL name or path matches, to
standard error, on the database DATABASE_URL names. P4 times the outbox
sweep, every reminder rule and the programme report of a financial year."""

import logging
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerchallenge.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from bench.in_process import as_in_production  # noqa: E402
from notifications import services, tasks  # noqa: E402
from notifications.models import Notification  # noqa: E402
from reports.models import Finding, GoodPractice  # noqa: E402
from reports.programme import programme_report  # noqa: E402
from surveys.models import SurveyInvitation  # noqa: E402
from tests.security.routes import api_operations, page_routes  # noqa: E402
from workflow import roles  # noqa: E402
from workflow.choices import AssignmentStatus  # noqa: E402
from workflow.dates import financial_year_of  # noqa: E402
from workflow.models import Assignment, ChallengeType, Council, Peer, PeerChallenge, State  # noqa: E402

# A read over SLOW ms on its first call gets SLOW_RUNS more, one over VERY_SLOW ms none (its
# first call is the figure): the run stays minutes when a read takes a minute.
RUNS, SLOW_RUNS, SLOW, VERY_SLOW = 20, 3, 1000.0, 10_000.0
TARGET_MS = 100
# The lists measured as the admin (the admin's changelists are engineer C2's).
ADMIN_READS = [
    "/api/challenges/",
    "/api/challenges/?state=closed",
    "/api/challenges/?page={deep}",  # the last page but one, or page 1,000 at scale 1
    "/admin/workflow/peerchallenge/",
    "/admin/notifications/notification/",
    "/admin/workflow/caseevent/",
]
# Routes that are not a manager's reads, with why.
NOT_READS = {
    "sign-in": "anonymous",
    "sign-out": "signs the measuring user out",
    "password-reset": "anonymous",
    "password-reset-sent": "anonymous",
    "password-reset-complete": "anonymous",
    "password-reset-confirm": "anonymous, a signed link",
    "invitation": "a peer's signed link",
    "invitation-availability": "a peer's signed link",
    "calendar-feed": "a signed link",
    "survey": "a respondent's signed link",
    "survey-check": "a respondent's signed link",
    "survey-page": "a respondent's signed link",
    "api-not-found": "the API's 404",
}
NOT_PAGES = ("admin/", "api/", "static/", "media/", "__")
# The query a read needs (a 400 without it), by URL name.
QUERIES = {
    "programme-report-api": "?year={year}",
    "common-messages-api": "?year={year}",
    "survey-results-api": "?kind=feedback&year={year}",
    "survey-responses-api": "?kind=feedback&year={year}",
    "challenge-conflicts": "?peer={peer_id}",
}
# Read by the programme lead too: the reports and the survey results.
LEAD_READS = re.compile(r"^/(api/)?(reports|surveys/results|surveys/responses)")


def timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def _user(username: str, group: str | None = None, **flags) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults=flags)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def path_ids() -> tuple[dict, dict[str, dict]]:
    """Real rows for the routes' parameters: a closed case with its team, findings, good
    practice, surveys and emails (the busiest of those), and an open case in team assembly for
    the steps; overrides by URL name."""

    def has(model) -> Exists:
        return Exists(model.objects.filter(challenge=OuterRef("pk")))

    # A closed case with all of them, where the data has one.
    closed = (
        PeerChallenge.objects.filter(state=State.CLOSED)
        .annotate(p=has(GoodPractice), f=has(Finding), s=has(SurveyInvitation), t=has(Assignment))
        .order_by("-p", "-f", "-s", "-t", "pk")
        .first()
    ) or PeerChallenge.objects.order_by("pk").first()
    assert closed is not None, "generate first"
    assembling = (
        PeerChallenge.objects.filter(state=State.TEAM_ASSEMBLY)
        .annotate(places=Count("assignments"))
        .order_by("-places", "pk")
        .first()
    ) or closed
    place = Assignment.objects.filter(challenge=closed).order_by("pk").first()
    open_place = (
        Assignment.objects.filter(challenge=assembling, status=AssignmentStatus.ACCEPTED).first()
        or Assignment.objects.filter(challenge=assembling).first()
        or place
    )
    practice = GoodPractice.objects.filter(challenge=closed).first()
    ids = {
        "pk": closed.pk,
        "challenge_id": closed.pk,
        "assignment_id": place.pk if place else 0,
        "notification_id": Notification.objects.filter(challenge=closed)
        .values_list("pk", flat=True)
        .first(),
        "survey_invitation_id": SurveyInvitation.objects.filter(challenge=closed)
        .values_list("pk", flat=True)
        .first(),
        "finding_id": Finding.objects.filter(challenge=closed).values_list("pk", flat=True).first(),
        "good_practice_id": practice.pk if practice else 0,
        "peer_id": place.peer_id if place else Peer.objects.values_list("pk", flat=True).first(),
        "code": Council.objects.filter(pk=closed.host_id).values_list("code", flat=True).get(),
        "slug": ChallengeType.objects.values_list("slug", flat=True).get(
            pk=closed.challenge_type_id
        ),
        "kind": "feedback",
        "table": "summary",
        "role": "member",
        "year": financial_year_of(timezone.localdate()),
    }
    on_open = {"pk": assembling.pk, "assignment_id": open_place.pk if open_place else 0}
    overrides = {
        "case-transition": {"pk": assembling.pk, "name": "confirm_team"},
        "case-team-transition": {**on_open, "step": "withdraw"},
        "case-team-link": on_open,
        "case-reserves-order": {"pk": assembling.pk},
        "case-availability": {"pk": assembling.pk},
        "case-candidates": {"pk": assembling.pk},
        "my-place-availability": on_open,
        "team-place-availability": on_open,
        "challenge-date-options": {"pk": assembling.pk},
        "challenge-candidates": {"pk": assembling.pk},
        "challenge-conflicts": {"pk": assembling.pk},
        "peer-detail": {"pk": ids["peer_id"]},
        "survey-invitation-extend": {"pk": ids["survey_invitation_id"]},
    }
    return ids, overrides


def fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def reads() -> list[tuple[str, str]]:
    """(URL name, path) of every page and API GET, with the extra reads that matter: the case
    page in team assembly and the programme report of last year."""
    ids, overrides = path_ids()
    routes = [(name, route) for name, route, method in api_operations() if method == "get"]
    routes += sorted(page_routes(NOT_PAGES).items())
    out = []
    for name, route in routes:
        if name in NOT_READS or route.startswith(("api/schema", "api/docs")):
            continue
        values = {**ids, **overrides.get(name, {})}
        out.append((name, fill(route, values) + QUERIES.get(name, "").format(**values)))
    last_year = financial_year_of(timezone.localdate()) - 1
    out += [
        ("case-detail (team assembly)", fill("cases/<pk>/", overrides["case-transition"])),
        ("programme-report (last year)", f"/reports/programme/?year={last_year}"),
        ("programme-report-api (last year)", f"/api/reports/programme/?year={last_year}"),
    ]
    return out


def read_timed(client: Client, url: str) -> tuple[int, bool, float, float]:
    """(status, streamed, ms to the first byte, ms to the last). A streamed download (a CSV
    of every row, a year's returns) is judged by its first byte, as a reader waits for it;
    the whole file's time is shown beside it."""
    started = time.perf_counter()
    response = client.get(url)
    if not response.streaming:
        whole = (time.perf_counter() - started) * 1000
        return response.status_code, False, whole, whole
    chunks = iter(response.streaming_content)
    next(chunks, b"")
    first_byte = (time.perf_counter() - started) * 1000
    b"".join(chunks)
    return response.status_code, True, first_byte, (time.perf_counter() - started) * 1000


def measure(client: Client, url: str) -> tuple[int, bool, float, list[tuple[float, float]]]:
    """The status, whether streamed, the first call's ms to its last byte (it computes what
    later calls may find kept: core/snapshots.py) and each timed run's (first byte, last)."""
    status, streamed, first_byte, first = read_timed(client, url)
    if status != 200:
        return status, streamed, first, []
    if first > VERY_SLOW:
        return 200, streamed, first, [(first_byte, first)]
    runs = [read_timed(client, url)[2:] for _ in range(RUNS if first < SLOW else SLOW_RUNS)]
    return 200, streamed, first, runs


def p3(lines: list[str], only: re.Pattern | None = None) -> None:
    """Every read's p50 and p95 (and its first call's time, in which kept figures are
    computed); `only`: the reads whose URL name or path it matches."""
    manager = _user("bench-manager", roles.MANAGER)
    lead = _user("bench-lead", roles.PROGRAMME_LEAD)
    clients = {}
    for role, user in (("manager", manager), ("programme lead", lead)):
        clients[role] = Client()
        clients[role].force_login(user)
    rows, skipped, over = [], [], []
    for name, url in reads():
        if only and not (only.search(name) or only.search(url)):
            continue
        for role, client in clients.items():
            if role != "manager" and not LEAD_READS.match(url):
                continue
            status, streamed, first, runs = measure(client, url)
            if not runs:
                skipped.append(f"`{url}` ({name}) as {role}: {status}")
                continue
            times = [first_byte for first_byte, _ in runs]
            p50, p_95 = statistics.median(times), p95(times)
            whole = f"{statistics.median(last for _, last in runs):,.0f}" if streamed else ""
            flag = " **over**" if p_95 > TARGET_MS else ""
            rows.append(
                f"| {name} | `{url}` | {role} | {len(times)} | {first:.0f} | {p50:.0f} | "
                f"{p_95:.0f}{flag} | {whole} |"
            )
            if flag:
                over.append(f"{name} as {role} ({p_95:.0f} ms)")
            sys.stderr.write(f"{first:8.0f} {p50:8.0f} {p_95:8.0f} ms  {role:<14} {url}\n")
    lines += [
        "",
        f"## P3 every page and API read (ms; p95 over {TARGET_MS} ms marked)",
        "",
        "A streamed download's p50 and p95 are to its first byte; its whole time (p50) is the",
        "last column. 'first': the first call, to its last byte.",
        "",
        "| read | path | as | runs | first | p50 | p95 | streamed, whole p50 |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Over {TARGET_MS} ms at p95: {', '.join(over) or 'none'}.",
        "",
        "Not timed (not 200 for that user): " + ("; ".join(skipped) or "none") + ".",
        "",
        "Not measured, not a manager's read: "
        + "; ".join(f"{name} ({why})" for name, why in NOT_READS.items())
        + ".",
    ]


def p4(lines: list[str]) -> None:
    lines += ["", "## P4 jobs (s)", "", "| job | rows | seconds |", "|---|---|---|"]
    this_year = financial_year_of(timezone.localdate())
    for year in (this_year - 1, this_year):
        programme_report(year=year)  # once first: per-process caches
        times = timed(lambda year=year: programme_report(year=year), 5)
        report = programme_report(year=year)
        lines.append(
            f"| programme report {year}/{(year + 1) % 100:02d} (median of 5) | "
            f"{report.delivered:,} delivered | {statistics.median(times) / 1000:.2f} |"
        )
    sent = []
    tasks.send_notification_task.delay = sent.append  # measure the claim, not the broker
    started = time.perf_counter()
    counts = services.sweep_outbox()
    lines.append(
        f"| outbox sweep | {counts['dispatched']:,} dispatched | "
        f"{time.perf_counter() - started:.2f} |"
    )
    today = timezone.localdate()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if entry["task"] != "notifications.tasks.run_reminder_rule":
            continue
        rule = import_string(entry["args"][0])
        started = time.perf_counter()
        found = sum(1 for _ in rule(today))
        lines.append(f"| rule {name} | {found:,} reminders | {time.perf_counter() - started:.2f} |")


def main() -> None:
    as_in_production()
    logging.disable(logging.WARNING)  # the rules' per-case warnings are not the result
    if len(sys.argv) == 3 and sys.argv[1] == "--only":  # a quick look at some reads, no file
        sys.stderr.write("   first      p50      p95\n")
        p3([], re.compile(sys.argv[2]))
        return
    counts = ", ".join(
        f"{model.objects.count():,} {label}"
        for model, label in (
            (PeerChallenge, "cases"),
            (Assignment, "team places"),
            (Peer, "peers"),
            (SurveyInvitation, "survey invitations"),
            (Notification, "outbox rows"),
        )
    )
    lines = ["# Benchmark results (issue 11)", ""]
    lines += [
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; PostgreSQL {connection.pg_version}; {counts}"
        + (
            f", generated in {generated} s"
            if (generated := os.environ.get("BENCH_GENERATE_SECONDS"))
            else ""
        )
        + f"; load average {os.getloadavg()[0]:.1f} at the start. "
        f"In-process (Django test client), on a shared machine: read the figures as orders of "
        "magnitude.",
        "",
        "## P3 lists as the admin (ms)",
        "",
        "| read | p50 | p95 |",
        "|---|---|---|",
    ]
    admin = _user("bench-admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    deep = max(1, min(1000, PeerChallenge.objects.count() // 50 - 1))
    for url in (read.format(deep=deep) for read in ADMIN_READS):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = timed(lambda url=url: client.get(url), RUNS)
        lines.append(f"| `{url}` | {statistics.median(times):.0f} | {p95(times):.0f} |")
    p3(lines)
    p4(lines)
    out = Path(__file__).with_name("latest-run.md")
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
