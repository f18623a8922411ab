"""Managers at work, for the load run over HTTP (bench/load/run; issue 11, P5).

Each simulated user is one of the managers bench/load/setup.py made (LOAD_USERS_FILE), signs in
once on the page (a session) and once on the API (a token), then walks what a manager uses,
weighted like a working day: mostly the case list, case pages and the reports, the API's lists,
details and timelines, and about one request in fifteen a write through the services (a PATCH
of the case's objectives, a manual email, postponing or resuming the visit), so the outbox
fills while the pages are read. Every request must answer as expected (200; a sign-in's and
"/"'s 302): a page's redirect to sign-in is a failure, not a silent 200 after following it.

    LOAD_USERS_FILE=users.json LOAD_MEASURE_SECONDS=60 \
        locust -f bench/load/locustfile.py --headless -u 50 -r 10 --host https://...
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
import urllib3
from locust import HttpUser, between, task
from locust.clients import HttpSession

# gunicorn serves TLS with a throwaway self-signed certificate (the secure cookies need HTTPS)
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

ACCOUNTS = json.loads(Path(os.environ["LOAD_USERS_FILE"]).read_text())
_next_account = itertools.cycle(ACCOUNTS["managers"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_wait = [float(s) for s in os.environ.get("LOAD_WAIT", "1,2").split(",")]

PAGE_FILTERS = ["state=closed", "financial_year=2015-16", "state=withdrawn", "search=PC-0001"]
API_FILTERS = ["state=closed", "financial_year=2019", "ordering=-onsite_start", "page=3"]
YEARS = list(range(2008, 2026))


# The measured window: LOAD_MEASURE_SECONDS, starting LOAD_SETTLE_SECONDS after the last user
# has signed in. Fifty users signing in at once is a storm no working day has (each sign-in and
# token is a PBKDF2 hash of a quarter second or more), so it is timed apart: its figures go to
# LOAD_SIGNIN_FILE. The early users' requests queued behind it still finish seconds late, so the
# statistics start again only once that queue has drained.
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS", "60"))
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "30"))
_started = time.monotonic()
_users_in = 0


def _signed_in(environment) -> None:
    global _users_in
    _users_in += 1
    if _users_in != environment.parsed_options.num_users:
        return
    stats = environment.stats
    storm = {
        "users": _users_in,
        "seconds": round(time.monotonic() - _started, 1),
        "requests": stats.total.num_requests,
        "failures": stats.total.num_failures,
        "p50_ms": stats.total.get_response_time_percentile(0.5),
        "p95_ms": stats.total.get_response_time_percentile(0.95),
    }
    if path := os.environ.get("LOAD_SIGNIN_FILE"):
        Path(path).write_text(json.dumps(storm))

    def measure() -> None:
        stats.reset_all()
        gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)

    gevent.spawn_later(SETTLE_SECONDS, measure)


class Manager(HttpUser):
    wait_time = between(*_wait)

    def on_start(self) -> None:
        account = next(_next_account)
        # a throwaway self-signed certificate; and not the environment's CA bundle, which
        # requests would otherwise prefer to verify=False
        self.client.verify, self.client.trust_env = False, False
        self.open_cases: list[int] = account["open_cases"]
        self.closed_cases: list[int] = account["closed_cases"] or self.open_cases
        self.postponed: set[int] = set()
        # The page's sign-in: its CSRF token, then the form (Referer: Django checks it on HTTPS).
        page = self.client.get("/sign-in/", name="sign-in")
        token = CSRF.search(page.text)[1]
        # Not followed: the landing page is in the mix below, on its own.
        self.page(
            "/sign-in/",
            "sign-in",
            method="POST",
            expect=302,
            data={
                "username": account["username"],
                "password": ACCOUNTS["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/sign-in/"},
        )
        # The API on its own connection: a session cookie there would make DRF ask for CSRF.
        self.api = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.api.verify, self.api.trust_env = False, False
        answer = self.api.post(
            "/api/auth/token/",
            json={"username": account["username"], "password": ACCOUNTS["password"]},
            name="api: token",
        )
        self.api.headers["Authorization"] = f"Token {answer.json()['token']}"
        _signed_in(self.environment)

    def page(self, path: str, name: str, method="GET", expect=200, **kwargs) -> None:
        """A page, its redirects not followed: a 302 to sign-in must count as a failure."""
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            where = response.headers.get("Location", "")
            if response.status_code != expect or "sign-in" in where:
                response.failure(f"{response.status_code} {where}")

    # --- the pages (signed in) ----------------------------------------------------------------

    @task(2)
    def landing(self) -> None:
        self.page("/", "page: / (to the dashboard)", expect=302)

    @task(12)
    def case_list(self) -> None:
        self.page("/cases/", "page: case list")

    @task(5)
    def case_list_filtered(self) -> None:
        self.page(f"/cases/?{random.choice(PAGE_FILTERS)}", "page: case list, filtered")

    @task(6)
    def closed_case(self) -> None:
        self.page(f"/cases/{random.choice(self.closed_cases)}/", "page: case (closed)")

    @task(8)
    def open_case(self) -> None:
        # the team panel, the emails panel and the timeline of a case in team assembly
        self.page(f"/cases/{random.choice(self.open_cases)}/", "page: case (team panel)")

    @task(2)
    def candidates(self) -> None:
        self.page(f"/cases/{random.choice(self.open_cases)}/candidates/", "page: candidates")

    @task(3)
    def dashboard(self) -> None:
        self.page("/reports/dashboard/", "page: dashboard")

    @task(1)
    def programme_report(self) -> None:
        self.page(f"/reports/programme/?year={random.choice(YEARS)}", "page: programme report")

    @task(1)
    def publication(self) -> None:
        self.page("/reports/publication/", "page: publication tracker")

    @task(1)
    def coverage(self) -> None:
        self.page("/reports/coverage/", "page: coverage")

    @task(1)
    def survey_results(self) -> None:
        self.page("/surveys/results/", "page: survey results")

    # --- the API (token) ----------------------------------------------------------------------

    @task(10)
    def api_cases(self) -> None:
        self.api.get("/api/challenges/", name="api: case list")

    @task(5)
    def api_cases_filtered(self) -> None:
        path = f"/api/challenges/?{random.choice(API_FILTERS)}"
        self.api.get(path, name="api: case list, filtered")

    @task(8)
    def api_case(self) -> None:
        case = random.choice(self.closed_cases + self.open_cases)
        self.api.get(f"/api/challenges/{case}/", name="api: case")

    @task(5)
    def api_events(self) -> None:
        case = random.choice(self.closed_cases + self.open_cases)
        self.api.get(f"/api/challenges/{case}/events/", name="api: events")

    @task(3)
    def api_team(self) -> None:
        self.api.get(f"/api/challenges/{random.choice(self.open_cases)}/team/", name="api: team")

    @task(3)
    def api_emails(self) -> None:
        case = random.choice(self.open_cases)
        self.api.get(f"/api/challenges/{case}/notifications/", name="api: emails")

    @task(2)
    def api_peers(self) -> None:
        self.api.get("/api/peers/", name="api: peers")

    @task(1)
    def api_dashboard(self) -> None:
        self.api.get("/api/reports/dashboard/", name="api: dashboard")

    # --- writes, through the services ---------------------------------------------------------

    @task(2)
    def patch_case(self) -> None:
        objectives = ["Test the medium-term financial plan", f"Objective {random.randrange(1000)}"]
        self.api.patch(
            f"/api/challenges/{random.choice(self.open_cases)}/",
            json={"local_objectives": objectives},
            name="api: PATCH case",
        )

    @task(2)
    def send_email(self) -> None:
        case = random.choice(self.open_cases)
        self.api.post(
            f"/api/challenges/{case}/notifications/",
            json={
                "recipient_email": f"ce{case}@council.example.gov.uk",
                "subject": "The visit",
                "message": "A note about the arrangements for the visit.",
            },
            name="api: send email",
        )

    @task(2)
    def postpone_or_resume(self) -> None:
        # Each user owns its cases, so it knows their state without asking.
        case = random.choice(self.open_cases)
        if case in self.postponed:
            self.api.post(
                f"/api/challenges/{case}/transitions/resume/", json={}, name="api: resume"
            )
            self.postponed.discard(case)
        else:
            self.api.post(
                f"/api/challenges/{case}/transitions/postpone/",
                json={"reason": "The council asked for a later date"},
                name="api: postpone",
            )
            self.postponed.add(case)
