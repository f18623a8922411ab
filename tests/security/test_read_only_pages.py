"""Pages that only read answer a POST with 405 (Django's require_safe), not with the page as
for a GET: a POST that does nothing is a client's mistake, and each page that takes one is
one more for tests/security/test_page_post_matrix.py and the CSRF checks. Every page is one
that changes something (tests/pages/test_every_page.py's CHANGES), a form of its own (FORMS),
or listed here as read-only, so a new page is sorted into one of them when it is routed."""

import pytest

from tests.pages.test_every_page import (  # noqa: F401  (world: the fixture)
    CHANGES,
    EXPECTED,
    as_each_role,
    url_for,
    world,
)

pytestmark = pytest.mark.django_db

# Pages that take a POST without being in CHANGES: signing in and out, a password reset, and a
# signed link's answers (a peer's invitation and dates, a respondent's survey).
FORMS = {
    "sign-in",
    "sign-out",
    "password-reset",
    "password-reset-confirm",
    "invitation",
    "invitation-availability",
    "survey-page",
    "survey-check",
}
READ_ONLY = [
    "calendar-feed",
    "case-detail",
    "case-email-html",
    "case-email-preview",
    "case-report-file",
    "common-messages",
    "common-messages-csv",
    "common-messages-excerpts-csv",
    "coverage-planner",
    "coverage-planner-csv",
    "dashboard",
    "favicon",
    "good-practice",
    "good-practice-detail",
    "history-export",
    "home",
    "my-cases",
    "my-cases-csv",
    "my-challenges",
    "my-visits",
    "password-reset-complete",
    "password-reset-sent",
    "programme-report",
    "programme-report-csv",
    "publication-tracker",
    "publication-tracker-csv",
    "survey",
    "survey-responses-csv",
    "survey-results",
]


def test_every_page_changes_something_takes_a_form_or_only_reads():
    assert sorted(set(EXPECTED) - set(CHANGES) - FORMS) == READ_ONLY
    assert set(EXPECTED) >= FORMS and not FORMS & set(CHANGES)


@pytest.mark.parametrize("name", READ_ONLY)
def test_a_read_only_page_answers_405_to_a_post(client, world, name):  # noqa: F811
    users, kwargs = world
    url = url_for(name, kwargs)
    got = {}
    for role in as_each_role(client, users):
        response = client.post(url, {"reason": "x", "message": "x"})
        got[role] = response.status_code
        if response.status_code == 405:
            assert "GET" in response["Allow"], role
    # Signed out, a page behind the sign-in may send the visitor there first, as for a GET.
    assert got.pop("anonymous") in (302, 405), url
    assert set(got.values()) == {405}, (url, got)
