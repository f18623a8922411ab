"""The peer CSV: import (problems per row in words, nothing of a bad file written, the same
file twice changes nothing), export (formulas neutralised) and the round trip between them."""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import InvalidInput
from tests.workflow import factories as f
from workflow.models import DeclaredInterest, Peer, PeerFormerCouncil, Specialism
from workflow.peer_csv import COLUMNS, write_peers
from workflow.peer_import import MAX_BYTES, import_peers

pytestmark = pytest.mark.django_db

JANE = [
    "jane.smith@example.org",
    "Cllr Jane Smith",
    "member",
    "Labour",
    "",
    "",
    "IPS",
    "ALL: 2023-03-31",
    "Finance; governance",
    "2024-10-01",
    "15",
    "yes",
    "SFK: my brother is a councillor there; ADU",
    "",
]
OMAR = "omar.khan@example.org,Omar Khan,officer,,Chief executive,,BIR,,Children's services,,,no,,"
SAM = "sam.lee@example.org,Sam Lee,officer,,other,Head of Policy,,,,,,,,"


def _line(cells: list[str]) -> str:
    out = StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


GOOD = "\n".join([",".join(COLUMNS), _line(JANE), OMAR, SAM]) + "\n"


def csv_bytes(*rows: str, header: str = ",".join(COLUMNS)) -> bytes:
    return "\n".join([header, *rows]).encode()


def problems(data: bytes) -> list[str]:
    with pytest.raises(InvalidInput) as invalid:
        import_peers(data)
    return invalid.value.errors["file"]


def snapshot() -> list:
    """Everything the import can write, to show that a refused file wrote none of it."""
    return [
        list(Peer.objects.order_by("pk").values()),
        list(Peer.specialisms.through.objects.order_by("pk").values()),
        list(PeerFormerCouncil.objects.order_by("pk").values()),
        list(DeclaredInterest.objects.order_by("pk").values()),
    ]


def export() -> str:
    out = StringIO()
    write_peers(out)
    return out.getvalue()


# --- a good file ----------------------------------------------------------------------------


def test_a_good_file_creates_each_peer_with_all_it_says():
    report = import_peers(GOOD.encode())

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    jane = Peer.objects.get(email="jane.smith@example.org")
    assert (jane.kind, jane.political_group, jane.council.code) == ("member", "labour", "IPS")
    assert jane.region == "East of England"
    assert [(x.council.code, x.until) for x in jane.former_councils.all()] == [
        ("ALL", datetime.date(2023, 3, 31))
    ]
    assert sorted(jane.specialisms.values_list("slug", flat=True)) == ["finance", "governance"]
    assert (jane.accredited_on, jane.max_days_per_year, jane.is_active) == (
        datetime.date(2024, 10, 1),
        15,
        True,
    )
    assert {(i.council.code, i.note) for i in jane.interests.all()} == {
        ("SFK", "my brother is a councillor there"),
        ("ADU", ""),
    }
    omar = Peer.objects.get(email="omar.khan@example.org")
    assert (omar.officer_role, omar.is_active, omar.max_days_per_year) == (
        "chief_executive",
        False,
        20,  # blank: the default
    )
    sam = Peer.objects.get(email="sam.lee@example.org")
    assert (sam.officer_role, sam.job_title, sam.council) == ("other", "Head of Policy", None)


def test_importing_the_same_file_again_changes_nothing():
    import_peers(GOOD.encode())
    before = snapshot()

    report = import_peers(GOOD.encode())

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_changed_row_updates_that_peer_only_and_peers_are_matched_by_email_in_any_case():
    import_peers(GOOD.encode())
    changed = GOOD.replace(
        "jane.smith@example.org,Cllr Jane Smith,member,Labour",
        "JANE.SMITH@example.org,Cllr Jane Smith,member,Green",
    )

    report = import_peers(changed.encode())

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    jane = Peer.objects.get(email__iexact="jane.smith@example.org")
    assert jane.political_group == "green"
    assert Peer.objects.count() == 3


def test_lists_in_the_file_replace_the_peers_lists():
    import_peers(GOOD.encode())
    fewer = GOOD.replace("SFK: my brother is a councillor there; ADU", "ADU: a new note").replace(
        "ALL: 2023-03-31", ""
    )

    import_peers(fewer.encode())

    jane = Peer.objects.get(email="jane.smith@example.org")
    assert list(jane.interests.values_list("council__code", "note")) == [("ADU", "a new note")]
    assert not jane.former_councils.exists()


def test_columns_left_out_keep_what_an_existing_peer_has():
    import_peers(GOOD.encode())
    only_names = csv_bytes("jane.smith@example.org,Jane Smith,member", header="email,name,kind")

    report = import_peers(only_names)

    assert (report.updated, report.unchanged) == (1, 0)
    jane = Peer.objects.get(email="jane.smith@example.org")
    assert (jane.name, jane.council.code, jane.former_councils.count()) == ("Jane Smith", "IPS", 1)
    assert jane.specialisms.count() == 2


def test_a_dry_run_counts_and_writes_nothing():
    report = import_peers(GOOD.encode(), dry_run=True)

    assert (report.created, str(report)) == (
        3,
        "3 created, 0 updated, 0 unchanged (a dry run: nothing written)",
    )
    assert not Peer.objects.exists()


# --- a bad file: problems per row, nothing written ------------------------------------------


def test_each_bad_row_is_named_with_its_problem_and_nothing_is_written():
    f.PeerFactory(email="already@example.org")
    before = snapshot()
    data = csv_bytes(
        "ok@example.org,Ok Peer,officer,,Chief executive,,BIR,,,,,,,",  # row 2: fine
        "x@example.org,Cllr X,member,,,,,,,,,,,",  # row 3: no group
        "y@example.org,Y,officer,,,,XXX,,,,,,,",  # row 4: no role, no council XXX
        "z@example.org,Z,officer,,Chief executive,,BIR,,Knitting,2024-02-30,0,perhaps,,",  # 5
        "ok@example.org,Ok Again,officer,,Chief executive,,,,,,,,,",  # row 6: same email
    )

    found = problems(data)

    assert (
        "row 3: political_group: a member peer is a councillor: give their political group" in found
    )
    assert "row 4: no council with code XXX" in found
    assert "row 5: specialisms: not on the list (kept in the admin): “Knitting”" in found
    assert "row 5: accredited_on: 2024-02-30 is not a real date" in found
    assert "row 5: active: “perhaps” is not yes or no" in found
    assert "row 6: the same email address as row 2" in found
    assert not any(p.startswith("row 2:") for p in found)
    assert snapshot() == before


def test_model_rules_are_checked_on_each_row():
    data = csv_bytes(
        # row 2: the home council listed as a former one
        "a@example.org,A,officer,,Chief executive,,ADU,ADU: 2022-01-01,,,,,,",
        # row 3: a former council left in the future, and one left after it was abolished
        "b@example.org,B,officer,,Chief executive,,BIR,ADU: 2099-01-01; ALL: 2024-06-01,,,,,,",
        # row 4: an officer with a political group; "other" without a job title
        "c@example.org,C,officer,Labour,other,,BIR,,,,,,,",
        # row 5: too many days; a home council that was abolished
        "d@example.org,D,officer,,Chief executive,,ALL,,,,400,,,",
    )

    found = problems(data)

    assert "row 2: former_councils: Adur is the peer's home council, not a former one" in found
    assert any(p.startswith("row 3: former_councils: cannot be in the future") for p in found)
    assert "row 3: former_councils: Allerdale ceased to exist on 1 April 2023" in found
    assert (
        "row 4: political_group: officer peers are politically restricted: leave it blank" in found
    )
    assert "row 4: job_title: give the job title of an officer whose role is “other”" in found
    assert any(p.startswith("row 5: max_days_per_year: ") for p in found)
    assert any(
        p.startswith("row 5: council: Allerdale was replaced by Cumberland on 1 April 2023")
        for p in found
    )
    assert not Peer.objects.exists()


def test_a_username_must_name_an_account_linked_to_no_other_peer():
    taken = f.peer_user()
    f.UserFactory(username="free")
    data = csv_bytes(
        f"a@example.org,A,officer,,Chief executive,,BIR,,,,,,,{taken.username}",
        "b@example.org,B,officer,,Chief executive,,BIR,,,,,,,nobody",
        "c@example.org,C,officer,,Chief executive,,BIR,,,,,,,free",
        "d@example.org,D,officer,,Chief executive,,BIR,,,,,,,free",
    )

    found = problems(data)

    assert any(p.startswith("row 2: username: ") for p in found)
    assert "row 3: username: no account with the username nobody" in found
    assert "row 5: username: the same account as row 4" in found


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty: its first row names the columns"),
        (b"email,name,kind\n", "the file has no peers, only the row of column names"),
        (b"\xff\xfeemail", "the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"),
        (b"email,name\na@x.org,A\n", "missing columns: kind (every file needs them)"),
        (b"email,name,kind,email\n", "columns named twice: email"),
    ],
)
def test_a_file_that_is_not_a_peer_list_says_why(data, problem):
    assert problems(data) == [problem]


def test_an_unknown_column_is_named_with_the_list_of_columns():
    [problem] = problems(b"email,name,kind,shoe_size\na@x.org,A,officer\n")

    assert problem.startswith("unknown columns: “shoe_size”; the columns are email, name, kind")


def test_a_file_too_large_is_refused():
    assert problems(b"x" * (MAX_BYTES + 1)) == ["the file is larger than 2 MB"]


def test_spreadsheet_header_spelling_and_a_byte_order_mark_are_read():
    data = "\ufeffEmail,Name,Kind,Officer role\na@example.org,A,Officer,Chief Executive\n"

    assert import_peers(data.encode()).created == 1
    assert Peer.objects.get().officer_role == "chief_executive"


# --- export and the round trip ----------------------------------------------------------------


@pytest.fixture
def pool():
    """Peers with everything the CSV carries, awkward values included."""
    import_peers(GOOD.encode())
    peer = f.PeerFactory(
        name='=HYPERLINK("http://evil.example","click")',
        job_title="-1+2",
        email="formula@example.org",
        user=f.UserFactory(username="@admin"),
        accredited_on=datetime.date(2020, 1, 1),
    )
    DeclaredInterest.objects.create(peer=peer, council=f.council("ADU"), note='says "hi"; twice')
    DeclaredInterest.objects.create(peer=peer, council=f.council("SFK"), note="=cmd|' /C calc'!A0")
    peer.specialisms.set(Specialism.objects.filter(slug__in=["childrens-services", "digital"]))
    PeerFormerCouncil.objects.create(
        peer=peer, council=f.council("CMA"), until=datetime.date(2020, 1, 31)
    )
    return peer


def test_the_export_has_every_column_and_a_row_per_peer(pool):
    rows = list(csv.reader(io.StringIO(export())))

    assert rows[0] == COLUMNS
    assert len(rows) == 1 + Peer.objects.count()
    jane = next(r for r in rows if r[0] == "jane.smith@example.org")
    assert dict(zip(COLUMNS, jane, strict=True)) | {"specialisms": "…"} == {
        "email": "jane.smith@example.org",
        "name": "Cllr Jane Smith",
        "kind": "member",
        "political_group": "Labour",
        "officer_role": "",
        "job_title": "",
        "council": "IPS",
        "former_councils": "ALL: 2023-03-31",
        "specialisms": "…",
        "accredited_on": "2024-10-01",
        "max_days_per_year": "15",
        "active": "yes",
        "declared_interests": "ADU; SFK: my brother is a councillor there",
        "username": "",
    }


def test_the_export_neutralises_spreadsheet_formulas(pool):
    rows = list(csv.reader(io.StringIO(export())))
    row = dict(zip(COLUMNS, next(r for r in rows if r[0] == "formula@example.org"), strict=True))

    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["job_title"] == "'-1+2"
    assert row["username"] == "'@admin"
    for cells in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_the_export_imports_back_with_nothing_changed(pool):
    before = snapshot()
    exported = export()

    report = import_peers(exported.encode())

    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == Peer.objects.count()
    assert snapshot() == before
    assert export() == exported


def test_the_export_restores_a_deleted_pool(pool):
    exported = export()
    expected = snapshot()[0]
    DeclaredInterest.objects.all().delete()
    PeerFormerCouncil.objects.all().delete()
    Peer.objects.all().delete()

    assert import_peers(exported.encode()).created == len(expected)
    restored = list(Peer.objects.order_by("email").values())
    keep = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert keep(restored) == keep(sorted(expected, key=lambda r: r["email"]))
    assert export() == exported


# --- the commands -------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_file(pool, tmp_path):
    path = tmp_path / "peers.csv"
    err = StringIO()
    call_command("export_peers", str(path), stderr=err)
    assert err.getvalue().strip() == f"{Peer.objects.count()} peers exported"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8

    out = StringIO()
    call_command("import_peers", str(path), stdout=out)

    assert out.getvalue().strip() == f"0 created, 0 updated, {Peer.objects.count()} unchanged"


def test_the_import_command_lists_the_problems_and_writes_nothing(tmp_path):
    path = tmp_path / "peers.csv"
    path.write_bytes(csv_bytes("x@example.org,X,officer,,,,ZZZ,,,,,,,"))

    with pytest.raises(CommandError) as error:
        call_command("import_peers", str(path))

    assert str(error.value).startswith("nothing imported; the file has these problems:\n")
    assert "row 2: no council with code ZZZ" in str(error.value)
    assert not Peer.objects.exists()


def test_the_import_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_peers", str(tmp_path / "missing.csv"))
