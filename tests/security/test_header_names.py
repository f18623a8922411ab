"""Names and subjects that go into an email's headers refuse line breaks where they are typed:
the case's contacts (API, pages, service), peers (model, admin), challenge types (admin), a
manual email's subject (API, page). A 400 or a form error on the field, and nothing saved."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.errors import InvalidInput
from core.one_line import has_line_break
from notifications.models import Notification
from tests.pages.test_case_forms import edit_form, edit_url
from tests.workflow import factories as f
from tests.workflow.test_peer_rules import ADD, add_form
from workflow import services
from workflow.models import ChallengeType, Peer, PeerChallenge

pytestmark = pytest.mark.django_db

INJECTED = "Chris\r\nBcc: everyone@example.org"


@pytest.mark.parametrize(
    "value",
    ["a\nb", "a\rb", "a\r\nb", "a\x0bb", "a\x0cb", "a\x85b", "a\u2028b", "a\u2029b"],
)
def test_every_line_break_python_knows_counts(value):
    assert has_line_break(value)


def test_ordinary_names_pass():
    assert not any(map(has_line_break, ["Chris O'Brien-Smith", "Dr. Ángela Núñez", "", None]))


@pytest.mark.parametrize("field", ["chief_executive_name", "leader_name"])
def test_the_case_api_refuses_a_contact_name_with_a_line_break(field):
    client = f.api_client(f.manager())

    created = client.post("/api/challenges/", f.case_payload(**{field: INJECTED}), format="json")
    case = f.PeerChallengeFactory()
    edited = client.patch(f"/api/challenges/{case.pk}/", {field: INJECTED}, format="json")

    assert (created.status_code, edited.status_code) == (400, 400)
    assert "one line" in str(created.json()[field])
    assert "one line" in str(edited.json()[field])
    assert PeerChallenge.objects.count() == 1
    case.refresh_from_db()
    assert not has_line_break(getattr(case, field))


def test_the_service_refuses_it_whoever_calls_it():
    case = f.PeerChallengeFactory()

    with pytest.raises(InvalidInput) as refused:
        services.challenge_update(
            challenge=case, actor=f.manager(), changes={"leader_name": "Lee\nLeader"}
        )

    assert list(refused.value.errors) == ["leader_name"]


def test_the_case_edit_page_shows_a_form_error_on_the_field():
    case = f.PeerChallengeFactory()
    client = Client()
    client.force_login(f.manager())

    response = client.post(
        edit_url(case), edit_form(client, case) | {"chief_executive_name": INJECTED}
    )

    assert response.status_code == 200
    assert "one line" in str(response.context["form"].errors["chief_executive_name"])
    case.refresh_from_db()
    assert not has_line_break(case.chief_executive_name)


def test_a_peer_name_with_a_line_break_is_refused_by_the_model_and_the_admin(admin_client):
    peer = f.PeerFactory.build(name=INJECTED, council=f.council("IPS"))
    with pytest.raises(ValidationError) as invalid:
        peer.full_clean()
    assert "name" in invalid.value.message_dict

    response = admin_client.post(ADD, add_form(name=INJECTED))

    assert response.status_code == 200
    assert "one line" in str(response.context["errors"])
    assert not Peer.objects.filter(email="jane@example.org").exists()


def test_a_challenge_type_name_with_a_line_break_is_refused_in_the_admin(admin_client):
    kind = ChallengeType.objects.get(slug="corporate")
    page = admin_client.get(reverse("admin:workflow_challengetype_change", args=[kind.pk]))
    data = f.admin_form_data(page) | {"name": "Corporate\r\nBcc: x@example.org"}

    response = admin_client.post(
        reverse("admin:workflow_challengetype_change", args=[kind.pk]), data
    )

    assert response.status_code == 200
    assert "one line" in str(response.context["errors"])
    kind.refresh_from_db()
    assert not has_line_break(kind.name)


def test_a_manual_emails_subject_with_a_line_break_is_a_400_and_a_form_error():
    case = f.PeerChallengeFactory()
    payload = {
        "kind": Notification.Kind.MANUAL,
        "recipient_email": "ce@adur.example.gov.uk",
        "subject": "Hello\r\nBcc: everyone@example.org",
        "message": "A word about the visit.",
    }
    api = f.api_client(f.manager())

    response = api.post(f"/api/challenges/{case.pk}/notifications/", payload, format="json")

    assert response.status_code == 400
    assert "one line" in str(response.json()["subject"])

    client = Client()
    client.force_login(f.manager())
    page = client.post(
        f"/cases/{case.pk}/emails/new/",
        {"recipient": "chief_executive", "subject": "Hi\nBcc: x@example.org", "message": "m"},
    )
    assert page.status_code == 200
    assert "one line" in str(page.context["form"].errors["subject"])
    assert not Notification.objects.exists()


def test_the_api_schema_states_the_one_line_rule_on_each_such_input():
    from drf_spectacular.generators import SchemaGenerator

    from core.one_line import LINE_BREAK, ONE_LINE_PATTERN

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    stated = {
        (component, name)
        for component, body in components["schemas"].items()
        for name, field in body.get("properties", {}).items()
        if ONE_LINE_PATTERN in [f.get("pattern") for f in [field, *field.get("oneOf", [])]]
    }
    assert {
        ("ChallengeInput", "chief_executive_name"),
        ("ChallengeInput", "leader_name"),
        ("PatchedChallengeInput", "leader_name"),
        ("EmailInput", "recipient_name"),
        ("EmailInput", "subject"),
    } <= stated
    # The schema's pattern and the models' rule refuse the same characters.
    refused = {c for c in map(chr, range(0x3000)) if LINE_BREAK.search(c)}
    assert refused == {c for c in map(chr, range(0x3000)) if not re.fullmatch(ONE_LINE_PATTERN, c)}


def test_the_schema_documents_the_409_of_a_manual_email_sent_twice():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    send = paths["/api/challenges/{challenge_id}/notifications/"]["post"]
    assert "409" in send["responses"]


def test_an_accounts_names_with_a_line_break_are_refused_in_the_admin(admin_client):
    from django.contrib.auth.models import User

    person = f.manager(first_name="Amira", last_name="Khan")
    url = reverse("admin:auth_user_change", args=[person.pk])
    data = f.admin_form_data(admin_client.get(url)) | {
        "last_name": "Khan\r\nBcc: x@example.org",
        # A split date and time: the form helper posts it whole.
        "date_joined_0": f"{person.date_joined:%Y-%m-%d}",
        "date_joined_1": f"{person.date_joined:%H:%M:%S}",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "one line" in str(response.context["adminform"].form.errors["last_name"])
    assert User.objects.get(pk=person.pk).last_name == "Khan"
    fixed = admin_client.post(url, data | {"last_name": "Khan-Ali"})
    assert fixed.status_code == 302, fixed.context["adminform"].form.errors


def test_the_council_register_refuses_a_name_with_a_line_break(tmp_path):
    import csv

    from workflow.councils import DEFAULT_REGISTER, load_councils
    from workflow.models import Council

    with open(DEFAULT_REGISTER, newline="", encoding="utf-8") as register:
        reader = csv.DictReader(register)
        row = next(reader) | {"nice-name": "Adur\r\nBcc: x@example.org"}
        fields = reader.fieldnames
    bad = tmp_path / "register.csv"
    with open(bad, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)

    with pytest.raises(ValueError, match="must be on one line"):
        load_councils(Council, bad)
    assert not any(has_line_break(name) for name in Council.objects.values_list("name", flat=True))
