"""The pages' own 403 and 404 (Django's bare ones said only "403 Forbidden"): in the service's
layout, with the navigation, saying why and where to go. The API keeps its JSON answers."""

import pytest

from tests.workflow import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "address", "status", "title", "says"),
    [
        (f.programme_lead, "/cases/{pk}/steps/book/", 403, "You cannot use this page",
         "programme leads read them"),
        (f.peer_user, "/cases/{pk}/", 404, "Page not found",
         "A peer sees only the cases they are on."),
    ],
)  # fmt: skip
def test_a_refused_or_missing_page_says_why_in_the_service_layout(
    client, who, address, status, title, says
):
    case = f.PeerChallengeFactory()
    client.force_login(who())

    response = client.get(address.format(pk=case.pk))

    assert response.status_code == status
    page = response.content.decode()
    assert f"<title>{title} " in page
    assert says in page
    assert 'aria-label="Menu"' in page  # the navigation, to get back to work
    assert 'href="/">Go to your start page</a>' in page


def test_the_api_still_answers_json(client):
    client.force_login(f.programme_lead())

    assert client.get("/api/no-such-thing/").json() == {"detail": "Not found."}
    response = client.post("/api/challenges/", {})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
