"""The history's upload page and zip download (reports/history_pages.py): admins only."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.history_format import FILES
from tests.reports.test_history_import import example, written
from tests.workflow import factories as f
from workflow import roles
from workflow.models import PeerChallenge

pytestmark = pytest.mark.django_db
URL = "/reports/import/"


@pytest.fixture
def admin(client):
    user = f.UserFactory()
    user.groups.add(Group.objects.get(name=roles.ADMIN))
    client.force_login(user)
    return user


def uploads(files: dict[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, data, content_type="text/csv") for name, data in files.items()]


def zipped(files: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"history/{name}", data)
    return SimpleUploadedFile("history.zip", buffer.getvalue(), content_type="application/zip")


def test_an_admin_imports_several_files_and_reads_the_summary(client, admin):
    response = client.post(URL, {"uploads": uploads(example())})
    assert response.status_code == 200
    text = response.content.decode()
    assert "challenges.csv: 5 new, 0 unchanged" in text
    assert PeerChallenge.objects.count() == 5
    assert {e.actor for e in PeerChallenge.objects.first().events.all()} == {admin}


def test_an_admin_imports_a_zip_with_the_files_in_a_folder(client, admin):
    response = client.post(URL, {"uploads": zipped(example())})
    assert "survey_responses.csv: 5 new" in response.content.decode()
    assert PeerChallenge.objects.count() == 5


def test_a_dry_run_writes_nothing(client, admin):
    response = client.post(URL, {"uploads": zipped(example()), "dry_run": "on"})
    assert "The files are right" in response.content.decode()
    assert set(written().values()) == {0}


def test_the_problems_are_listed_by_file_line_and_column_and_nothing_is_written(client, admin):
    bad = example(challenges=(b"E08000025", b"E08999999"))
    response = client.post(URL, {"uploads": uploads(bad)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: the files have 1 problem, listed below" in html
    problems = html[html.index('data-testid="problems"') :]
    cells = [
        '<td class="govuk-table__cell">challenges.csv</td>',
        '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>',
        '<td class="govuk-table__cell">council</td>',
    ]
    assert all(cell in problems for cell in cells)
    assert set(written().values()) == {0}


def test_a_file_that_is_not_the_history_or_no_file_is_a_form_error(client, admin):
    response = client.post(URL, {"uploads": uploads({"teams.csv": b"a,b\n1,2\n"})})
    assert "not a file of the history" in response.content.decode()
    response = client.post(URL, {})
    assert "Choose the CSV files or a zip file to import" in response.content.decode()
    response = client.post(URL, {"uploads": [SimpleUploadedFile("x.zip", b"not a zip")]})
    assert "not a zip file that can be opened" in response.content.decode()


def test_an_admin_downloads_the_history_as_a_zip(client, admin):
    client.post(URL, {"uploads": uploads(example())})
    response = client.get("/reports/import/export.zip")
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(FILES)
        assert b"CPC-2016-01" in archive.read("challenges.csv")


@pytest.mark.parametrize("who", ["manager", "lead", "peer", "no role"])
def test_everyone_but_an_admin_is_refused_and_nothing_is_written(client, who):
    users = {
        "manager": f.manager,
        "lead": f.programme_lead,
        "peer": f.peer_user,
        "no role": f.UserFactory,
    }
    client.force_login(users[who]())
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"uploads": uploads(example())}).status_code == 403
    assert client.get("/reports/import/export.zip").status_code == 403
    assert PeerChallenge.objects.count() == 0


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
