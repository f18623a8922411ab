"""The OpenAPI schema generates cleanly and documents every operation clients rely on."""

import json

import pytest
from django.core.management import call_command
from django.urls import include, path

from tests.workflow.factories import api_client, manager
from workflow.team_transitions import TEAM_TRANSITIONS
from workflow.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db

# This module doubles as a URLconf holding only the workflow API, so the first test judges the
# workflow views alone; the second judges the whole project as `manage.py spectacular` does.
urlpatterns = [path("api/", include("workflow.urls"))]


def generate(tmp_path, *options: str) -> str:
    out = tmp_path / "schema.yml"
    # --fail-on-warn turns any warning (an unresolved field, an enum clash) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), *options)
    return out.read_text()


def test_workflow_api_schema_has_no_warnings_and_documents_each_transition(tmp_path):
    text = generate(tmp_path, "--urlconf", __name__)

    for name in TRANSITIONS:
        assert f"/api/challenges/{{id}}/transitions/{name}/:" in text
    for name in TEAM_TRANSITIONS:
        assert f"/api/challenges/{{id}}/team/{{assignment_id}}/transitions/{name}/:" in text
    assert "/api/challenges/{id}/team/:" in text
    assert "IssueReportInput" in text
    assert "TeamAcceptInput" in text and "TeamCompleteInput" in text
    assert "available_transitions" in text


def test_project_schema_has_no_warnings(tmp_path):
    assert "/api/challenges/" in generate(tmp_path)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/challenges/{id}/transitions/book/", {200, 400, 401, 403, 404, 409, 415}),
        (
            "post",
            "/api/challenges/{id}/team/{assignment_id}/transitions/accept/",
            {200, 400, 401, 403, 404, 409, 415},
        ),
        ("post", "/api/challenges/{id}/team/", {201, 400, 401, 403, 404, 409, 415}),
        ("post", "/api/notifications/{notification_id}/resend/", {200, 401, 403, 404, 409}),
        ("post", "/api/auth/token/", {200, 400, 415, 429}),
        ("get", "/api/challenges/", {200, 400, 401, 403, 404}),
        ("get", "/api/challenge-types/{slug}/", {200, 401, 403, 404}),
    ],
)
def test_each_operation_documents_the_errors_it_can_give(tmp_path, method, path, statuses):
    # 401: an expired API token (core/token_auth.py), wherever credentials are read.
    # The fuzz test (tests/test_api_fuzz.py) holds the API to these; this pins the rules
    # that derive them (workflow/api_schema.py).
    schema = json.loads(generate(tmp_path, "--format", "openapi-json"))

    assert set(map(int, schema["paths"][path][method]["responses"])) == statuses


def test_schema_and_docs_are_served():
    api = api_client(manager())

    assert api.get("/api/schema/").status_code == 200
    assert api.get("/api/docs/").status_code == 200
