"""Content-Security-Policy (django-csp, CONTENT_SECURITY_POLICY in settings): enforced on every
page, the admin and the API docs, with scripts and styles from our origin only. The pages
themselves carry no inline script or style, so the policy costs them nothing; the browser tests
(tests/pages/conftest.py) fail on any violation a real page reports."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from tests.pages.test_every_page import EXPECTED, ROLES_WITH_ADMIN, url_for
from tests.pages.test_every_page import world as world  # the pages' fixture, reused

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    """The enforced policy as directive -> sources; a report-only one would not count."""
    assert "Content-Security-Policy-Report-Only" not in response
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return {key: value for key, _, value in (part.partition(" ") for part in header.split("; "))}


def assert_site_policy(response) -> None:
    got = policy(response)
    assert got == SITE_POLICY, response.request["PATH_INFO"]
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"):
        assert unsafe not in got["script-src"].split()


class Inline(HTMLParser):
    """What a page has that the policy refuses: inline scripts, style elements and attributes,
    event handler attributes, javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and re.match(r"\s*javascript:", value or "", re.I):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(response) -> list[str]:
    if not response["Content-Type"].startswith("text/html"):
        return []
    parser = Inline()
    parser.feed(response.content.decode())
    return parser.found


APPS = ("core", "workflow", "surveys", "reports", "notifications", "peerchallenge")
# An email is not a page of ours: mail clients need its inline styles.
EMAILS = Path("notifications", "templates", "notifications", "emails")
INLINE_IN_SOURCE = re.compile(
    r"""style=|<style|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=["']|javascript:""", re.I
)
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


def test_no_template_or_module_of_ours_writes_inline_code():
    """Every template, whichever page renders it and in whatever state (the table below only
    renders the pages' first state), and the HTML the Python code writes (format_html)."""
    root = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*")):
            relative = path.relative_to(root)
            if path.suffix in (".html", ".svg") and EMAILS not in relative.parents:
                text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
            elif path.suffix == ".py" and "migrations" not in relative.parts:
                # strings only: a docstring may name what it avoids
                text = path.read_text(encoding="utf-8")
                text = re.sub(r'"""[\s\S]*?"""', "", text)
            else:
                continue
            found += [f"{relative}: {m.group(0)}" for m in INLINE_IN_SOURCE.finditer(text)]
    assert found == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_page_answers_with_the_enforced_policy_and_has_no_inline_code(client, world, name):
    """Whoever asks and whatever the answer (a page, a redirect to sign in, a 403, a 404)."""
    users, kwargs = world
    url = url_for(name, kwargs)
    for role in ROLES_WITH_ADMIN:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.get(url)
        if name == "case-email-html" and response.status_code == 200:
            continue  # the email's own narrow policy (tests/notifications/test_escaping.py)
        assert_site_policy(response)
        assert inline_code(response) == [], (url, role)


@pytest.fixture
def superuser(client) -> User:
    user = User.objects.create_superuser("root", "root@example.org", "pw-123456!")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/notifications/notification/",
        "/admin/workflow/peerchallenge/add/",
        "/admin/login/",
    ],
)
def test_the_admin_answers_with_the_enforced_policy(client, superuser, url):
    response = client.get(url)

    assert response.status_code in (200, 302)
    assert_site_policy(response)


def test_the_api_docs_page_has_no_inline_code_and_loads_only_our_files(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    assert_site_policy(page)
    assert inline_code(page) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert sources and all(s.startswith(("/static/", "/api/docs/?")) for s in sources), sources


def test_the_api_docs_init_script_is_a_file_of_its_own(client):
    script = client.get("/api/docs/?script=")

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.parametrize("url", ["/api/challenges/", "/api/councils/ADU/"])
def test_the_browsable_api_may_use_inline_styles_and_nothing_else_inline(client, superuser, url):
    """DRF's own pages style with a <style> and style attributes throughout: inline styles are
    allowed there (peerchallenge/browsable_api.py), scripts stay our origin's only."""
    page = client.get(url, HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert policy(page) == {**SITE_POLICY, "style-src": "'self' 'unsafe-inline'"}
    scripts = [found for found in inline_code(page) if "style" not in found]
    assert scripts == []


def test_an_api_answer_carries_the_policy_too(client):
    """A JSON answer opened in a browser is a page of our origin like any other."""
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert_site_policy(response)
