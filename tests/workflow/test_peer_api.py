"""The peer pool's API: who sees which peers, the filters (bad values are 400s), specialisms,
the CSV export and import (managers only), and a peer's conflicts with a case's host."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.workflow import factories as f
from workflow import roles
from workflow.models import DeclaredInterest, Peer, PeerFormerCouncil, Specialism

pytestmark = pytest.mark.django_db
DENIED = (401, 403)


@pytest.fixture
def users():
    return {
        "manager": f.manager(),
        "admin": f.UserFactory(role=roles.ADMIN),
        "superuser": f.UserFactory(is_superuser=True),
        "programme lead": f.programme_lead(),
        "peer": f.peer_user(),
        "no role": f.UserFactory(),
        "anonymous": None,
    }


@pytest.fixture
def pool():
    """Three peers besides any signed-in peer."""
    finance = Specialism.objects.get(slug="finance")
    jane = f.PeerFactory(
        name="Cllr Jane Smith",
        kind=Peer.Kind.MEMBER,
        political_group=Peer.PoliticalGroup.LIBERAL_DEMOCRAT,
        council=f.council("IPS"),
    )
    jane.specialisms.add(finance)
    PeerFormerCouncil.objects.create(
        peer=jane, council=f.council("ALL"), until=datetime.date(2023, 3, 31)
    )
    DeclaredInterest.objects.create(peer=jane, council=f.council("SFK"), note="a relative")
    omar = f.PeerFactory(
        name="Omar Khan",
        officer_role=Peer.OfficerRole.DIRECTOR_OF_FINANCE,
        council=f.council("BIR"),
    )
    omar.specialisms.add(finance)
    f.PeerFactory(name="Sam Lee", council=f.council("ADU"), is_active=False)
    return {"jane": jane, "omar": omar}


def names(response) -> list[str]:
    return [p["name"] for p in response.data["results"]]


# --- who sees which peers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("manager", "all"),
        ("admin", "all"),
        ("superuser", "all"),
        ("programme lead", "all"),
        ("peer", "self"),
        ("no role", "none"),
    ],
)
def test_staff_see_every_peer_and_a_peer_only_themselves(users, pool, role, sees):
    user = users[role]

    response = f.api_client(user).get("/api/peers/")

    assert response.status_code == 200
    everyone = list(Peer.objects.order_by("name").values_list("name", flat=True))
    expected = {"all": everyone, "self": [user.username], "none": []}[sees]
    assert names(response) == expected


def test_anonymous_users_see_no_peers(pool):
    assert f.api_client().get("/api/peers/").status_code in DENIED


def test_a_peer_reads_their_own_record_and_no_one_elses(users, pool):
    client = f.api_client(users["peer"])

    assert client.get(f"/api/peers/{users['peer'].peer.pk}/").status_code == 200
    assert client.get(f"/api/peers/{pool['jane'].pk}/").status_code == 404


def test_a_peer_record_shows_what_choosing_a_team_needs(users, pool):
    response = f.api_client(users["manager"]).get(f"/api/peers/{pool['jane'].pk}/")

    assert response.status_code == 200
    assert response.data | {"id": 0, "email": ""} == {
        "id": 0,
        "name": "Cllr Jane Smith",
        "email": "",
        "kind": "member",
        "political_group": "liberal_democrat",
        "officer_role": "",
        "job_title": "",
        "council": {"code": "IPS", "name": "Ipswich"},
        "region": "East of England",
        "former_councils": [
            {"council": {"code": "ALL", "name": "Allerdale"}, "until": "2023-03-31"}
        ],
        "specialisms": ["finance"],
        "declared_interests": [
            {"council": {"code": "SFK", "name": "Suffolk"}, "note": "a relative"}
        ],
        "accredited_on": None,
        "max_days_per_year": 20,
        "is_active": True,
        "username": None,
    }


def test_the_list_costs_the_same_queries_for_many_peers(users, pool, django_assert_max_num_queries):
    client = f.api_client(users["manager"])
    client.get("/api/peers/")  # warm: the user's groups
    for _ in range(20):
        peer = f.PeerFactory()
        peer.specialisms.add(Specialism.objects.get(slug="digital"))
        PeerFormerCouncil.objects.create(
            peer=peer, council=f.council("ADU"), until=datetime.date(2022, 1, 1)
        )

    with django_assert_max_num_queries(9):
        response = client.get("/api/peers/")

    assert response.data["count"] == Peer.objects.count()


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=member", ["Cllr Jane Smith"]),
        ("region=east of england", ["Cllr Jane Smith"]),
        ("specialism=finance", ["Cllr Jane Smith", "Omar Khan"]),
        ("political_group=liberal_democrat", ["Cllr Jane Smith"]),
        ("officer_role=director_of_finance", ["Omar Khan"]),
        ("active=false", ["Sam Lee"]),
        ("search=birmingham", ["Omar Khan"]),
        ("search=ADU", ["Sam Lee"]),
        ("search=jane", ["Cllr Jane Smith"]),
    ],
)
def test_the_pool_filters(users, pool, query, expected):
    response = f.api_client(users["manager"]).get(f"/api/peers/?{query}")

    assert response.status_code == 200, response.data
    assert [n for n in names(response) if not n.startswith("user")] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=councillor", "kind"),
        ("political_group=whig", "political_group"),
        ("active=perhaps", "active"),
        ("colour=blue", "colour"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(users, pool, query, field):
    response = f.api_client(users["manager"]).get(f"/api/peers/?{query}")

    assert response.status_code == 400
    assert field in response.data


def test_specialisms_are_listed_for_anyone_signed_in(users):
    response = f.api_client(users["peer"]).get("/api/specialisms/?page_size=200")

    assert response.status_code == 200
    slugs = [s["slug"] for s in response.data["results"]]
    assert {"finance", "childrens-services", "adult-social-care", "digital"} <= set(slugs)
    assert f.api_client().get("/api/specialisms/").status_code in DENIED


# --- export and import ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "admin", "superuser"])
def test_managers_export_the_pool_as_csv(users, pool, role):
    response = f.api_client(users[role]).get("/api/peers/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="peers-')
    assert response.streaming  # written as it is read: memory stays flat at any pool size
    text = response.getvalue().decode("utf-8-sig")
    assert text.startswith("email,name,kind,")
    assert "Cllr Jane Smith" in text


@pytest.mark.parametrize("role", ["programme lead", "peer", "no role", "anonymous"])
def test_no_one_else_exports_the_pool(users, pool, role):
    assert f.api_client(users[role]).get("/api/peers/export.csv").status_code in DENIED


def upload(content: bytes, **fields) -> dict:
    return {"file": SimpleUploadedFile("peers.csv", content, content_type="text/csv"), **fields}


def test_an_exported_file_uploads_back_with_nothing_changed(users, pool):
    client = f.api_client(users["manager"])
    exported = client.get("/api/peers/export.csv").getvalue()

    response = client.post("/api/peers/import/", upload(exported), format="multipart")

    assert response.status_code == 200
    assert response.data == {
        "created": 0,
        "updated": 0,
        "unchanged": Peer.objects.count(),
        "dry_run": False,
    }


def test_an_upload_creates_peers(users):
    data = b"email,name,kind,officer_role,council\nnew@example.org,New,officer,Chief executive,SFK"

    response = f.api_client(users["manager"]).post(
        "/api/peers/import/", upload(data), format="multipart"
    )

    assert response.status_code == 200
    assert response.data["created"] == 1
    assert Peer.objects.get(email="new@example.org").council.code == "SFK"


def test_an_upload_breaking_a_rule_is_a_400_per_row_and_writes_nothing(users):
    data = (
        b"email,name,kind,political_group,council,former_councils\n"
        b"a@example.org,A,member,Labour,ADU,\n"
        b"b@example.org,B,member,,BIR,BIR: 2022-01-01\n"
    )

    response = f.api_client(users["manager"]).post(
        "/api/peers/import/", upload(data), format="multipart"
    )

    assert response.status_code == 400
    assert response.data == {
        "file": [
            "row 3: political_group: a member peer is a councillor: give their political group",
            "row 3: former_councils: Birmingham is the peer's home council, not a former one",
        ]
    }
    assert not Peer.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()


def test_a_dry_run_upload_writes_nothing(users):
    data = b"email,name,kind,officer_role\nnew@example.org,New Peer,officer,Chief executive\n"

    response = f.api_client(users["manager"]).post(
        "/api/peers/import/", upload(data, dry_run="true"), format="multipart"
    )

    assert (response.status_code, response.data["created"], response.data["dry_run"]) == (
        200,
        1,
        True,
    )
    assert not Peer.objects.filter(email="new@example.org").exists()


def test_an_upload_without_a_file_is_a_400(users):
    response = f.api_client(users["manager"]).post("/api/peers/import/", {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.data


@pytest.mark.parametrize("role", ["programme lead", "peer", "no role", "anonymous"])
def test_no_one_else_imports_peers(users, role):
    data = b"email,name,kind,officer_role\nnew@example.org,New Peer,officer,Chief executive\n"

    response = f.api_client(users[role]).post(
        "/api/peers/import/", upload(data), format="multipart"
    )

    assert response.status_code in DENIED
    assert not Peer.objects.filter(email="new@example.org").exists()


# --- conflicts with a case's host -----------------------------------------------------------------


@pytest.fixture
def case_at_suffolk():
    return f.PeerChallengeFactory(host=f.council("SFK"), onsite_start=datetime.date(2026, 6, 1))


@pytest.mark.parametrize("role", ["manager", "admin", "programme lead"])
def test_staff_see_a_peers_conflicts_with_the_host(users, pool, case_at_suffolk, role):
    url = f"/api/challenges/{case_at_suffolk.pk}/conflicts/?peer={pool['jane'].pk}"

    response = f.api_client(users[role]).get(url)

    assert response.status_code == 200
    assert response.data == {
        "peer": {"id": pool["jane"].pk, "name": "Cllr Jane Smith"},
        "host": {"code": "SFK", "name": "Suffolk"},
        "on": "2026-06-01",
        "blocked": True,
        "conflicts": [
            {
                "severity": "hard",
                "code": "county_of_their_district",
                "reason": "Ipswich (the peer's home council) is a district of Suffolk, the host",
            },
            {
                "severity": "soft",
                "code": "same_region",
                "reason": "Suffolk, the host, and Ipswich (the peer's home council) are both in "
                "the East of England region",
            },
            {
                "severity": "soft",
                "code": "declared_interest",
                "reason": "the peer has declared an interest in Suffolk, the host: a relative",
            },
        ],
    }


def test_a_peer_without_conflicts_is_not_blocked(users, pool, case_at_suffolk):
    url = f"/api/challenges/{case_at_suffolk.pk}/conflicts/?peer={pool['omar'].pk}"

    response = f.api_client(users["manager"]).get(url)

    assert (response.data["blocked"], response.data["conflicts"]) == (False, [])


@pytest.mark.parametrize(
    ("role", "status"),
    # A case the user may not see is a 404 for them, as everywhere; no credentials, refused.
    [("peer", 404), ("no role", 404), ("anonymous", 403)],
)
def test_no_one_else_checks_conflicts(users, pool, case_at_suffolk, role, status):
    url = f"/api/challenges/{case_at_suffolk.pk}/conflicts/?peer={pool['jane'].pk}"

    assert f.api_client(users[role]).get(url).status_code == status


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("", "peer", "This field is required."),
        ("?peer=999999", "peer", "no peer with id 999999"),
        ("?peer=jane", "peer", "Incorrect type. Expected pk value, received str."),
        ("?peer=1&host=ADU", "host", "unknown parameter; this reads peer"),
    ],
)
def test_a_bad_conflicts_query_is_a_400(users, case_at_suffolk, query, field, message):
    response = f.api_client(users["manager"]).get(
        f"/api/challenges/{case_at_suffolk.pk}/conflicts/{query}"
    )

    assert response.status_code == 400
    assert response.data[field] == [message]


def test_conflicts_of_an_unknown_case_are_a_404(users, pool):
    url = f"/api/challenges/999999/conflicts/?peer={pool['jane'].pk}"

    assert f.api_client(users["manager"]).get(url).status_code == 404


def test_the_export_answers_csv_whatever_the_client_accepts(users, pool):
    client = f.api_client(users["manager"])

    response = client.get("/api/peers/export.csv", HTTP_ACCEPT="text/csv")

    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")


def test_the_schema_documents_the_peer_pool(users):
    schema = f.api_client(users["manager"]).get("/api/schema/?format=json").json()
    paths = schema["paths"]

    # 401: no credentials, or an expired token (core/token_auth.py).
    assert set(paths["/api/peers/"]["get"]["responses"]) == {"200", "400", "401", "403", "404"}
    assert set(paths["/api/peers/{id}/"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert "text/csv" in paths["/api/peers/export.csv"]["get"]["responses"]["200"]["content"]
    assert set(paths["/api/peers/import/"]["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "415",
    }
    assert set(paths["/api/specialisms/"]["get"]["responses"]) >= {"200", "403"}
    conflicts = paths["/api/challenges/{id}/conflicts/"]["get"]
    assert set(conflicts["responses"]) == {"200", "400", "401", "403", "404"}
    assert [p["name"] for p in conflicts["parameters"] if p["in"] == "query"] == ["peer"]
