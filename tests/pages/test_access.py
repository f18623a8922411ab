"""Who may open which page, through Django's test client (no browser)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail

from notifications.emails import ACCOUNT_KINDS, KINDS, PermanentEmailError, render_email
from notifications.models import Notification
from tests.workflow.factories import (
    PeerChallengeFactory,
    UserFactory,
    manager,
    peer_user,
    place,
)
from tests.workflow.factories import programme_lead as lead

pytestmark = pytest.mark.django_db

PAGES = ["/cases/", "/visits/", "/my/invitations/", "/my/challenges/"]


@pytest.mark.parametrize("url", ["/", *PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(
    ("make_user", "status"),
    [(manager, 200), (lead, 200), (peer_user, 403), (UserFactory, 403)],
    ids=["manager", "programme-lead", "peer", "no-role"],
)
def test_case_list_is_for_staff_roles_only(client, make_user, status):
    client.force_login(make_user())

    assert client.get("/cases/").status_code == status


def test_a_peer_sees_only_the_challenges_they_are_on_and_my_visits_leads_there(client):
    peer = peer_user()
    theirs = PeerChallengeFactory()
    place(theirs, peer=peer.peer)
    other = PeerChallengeFactory()
    client.force_login(peer)

    response = client.get("/visits/", follow=True)

    assert response.redirect_chain == [("/my/challenges/", 302)]
    page = response.content.decode()
    assert theirs.reference in page
    assert other.reference not in page


def test_a_user_with_no_role_is_told_so(client):
    client.force_login(UserFactory())

    response = client.get("/")

    assert response.status_code == 200
    assert "You do not have access to any pages yet" in response.content.decode()


def test_sign_out_is_post_only_and_the_pages_set_no_cookie_but_session_and_csrf(client):
    user = manager()
    assert client.get("/sign-in/").status_code == 200
    response = client.post("/sign-in/", {"username": user.username, "password": "pw-123456!"})
    assert response["Location"] == "/"
    client.get("/cases/")
    assert client.get("/sign-out/").status_code == 405
    client.post("/sign-out/")
    assert set(client.cookies) <= {"sessionid", "csrftoken"}


def test_password_reset_for_an_unknown_address_looks_the_same_and_writes_nothing(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/password-reset/sent/"
    assert not Notification.objects.exists()


def test_repeated_reset_requests_write_one_email_per_window(client):
    manager(email="amira@example.org")
    for _ in range(3):
        client.post("/password-reset/", {"email": "amira@example.org"})

    assert Notification.objects.filter(kind=Notification.Kind.PASSWORD_RESET).count() == 1


def test_reset_email_refuses_a_recipient_other_than_the_account(settings):
    user = manager(email="amira@example.org")
    row = Notification.objects.create(
        kind=Notification.Kind.PASSWORD_RESET, topic_key=f"user:{user.pk}:x",
        recipient_email="evil@example.org",
        due_on="2026-01-01", context={"user_id": user.pk, "username": user.username},
    )  # fmt: skip

    with pytest.raises(PermanentEmailError, match="not the account's email address"):
        render_email(row)


def test_reset_email_link_works_once(client):
    user = manager(email="amira@example.org")
    row = Notification(
        kind=Notification.Kind.PASSWORD_RESET,
        recipient_email="amira@example.org",
        context={"user_id": user.pk, "username": user.username},
    )
    link = render_email(row).body.split("Choose a new password here:")[1].split()[0]
    path = urlsplit(link).path

    set_password_url = client.get(path)["Location"]
    new = "a long new passphrase 9"
    client.post(set_password_url, {"new_password1": new, "new_password2": new})

    assert User.objects.get(pk=user.pk).check_password(new)
    assert "This link does not work" in client.get(path, follow=True).content.decode()
    assert not mail.outbox  # rendering alone sends nothing


def test_the_reset_email_is_not_offered_to_managers():
    assert Notification.Kind.PASSWORD_RESET in ACCOUNT_KINDS
    assert Notification.Kind.PASSWORD_RESET not in KINDS
