"""Uploaded reports are checked by content, not name, and served only to those who may see
the case, as a download the browser may not sniff. A body over the upload limit under /api/
is a JSON 400, not Django's HTML page."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tests.workflow.factories import PeerChallengeFactory, api_client, manager, peer_user, place
from workflow.models import PeerChallenge, State
from workflow.models.challenges import REPORT_FILE_VALIDATORS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a report\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _issue(client, challenge, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    return client.post(
        f"/api/challenges/{challenge.pk}/transitions/issue_report/",
        {"report_file": upload},
        format="multipart",
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"%PD"),  # too short to be one
        ("report.docx", PDF),  # a real PDF, named as Word
        ("report.docx", b"PK\x03\x04 not a zip at all"),
        ("report.doc", b"MZ\x90\x00"),
        ("report.odt", _docx()),  # a Word zip named as OpenDocument
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(media, name, content):
    challenge = PeerChallengeFactory(state=State.REPORTING)

    response = _issue(api_client(manager()), challenge, name, content)

    assert response.status_code == 400
    assert "not a real" in str(response.data["report_file"])
    challenge.refresh_from_db()
    assert challenge.state == State.REPORTING
    assert not any(media.rglob("*.*"))  # nothing written


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("Report.PDF", PDF),
        ("report.docx", _docx()),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Word 97"),
    ],
)
def test_a_real_document_passes_the_models_validators(name, content):
    # the API's own upload test (tests/workflow/test_api_transitions.py) issues a real PDF
    upload = SimpleUploadedFile(name, content)

    for validate in REPORT_FILE_VALIDATORS:
        validate(upload)


def test_the_case_page_refuses_an_html_file_named_pdf_with_a_form_error():
    challenge = PeerChallengeFactory(state=State.REPORTING)
    client = Client()
    client.force_login(manager())

    response = client.post(
        f"/cases/{challenge.pk}/steps/issue_report/",
        {"report_file": SimpleUploadedFile("report.pdf", b"<html></html>", "application/pdf")},
    )

    assert response.status_code in (200, 400)
    assert "not a real .pdf file" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.state == State.REPORTING


def _issued_case() -> PeerChallenge:
    challenge = PeerChallengeFactory(state=State.REPORT_ISSUED)
    challenge.report_file.save("report.pdf", ContentFile(PDF))
    return challenge


def test_the_report_is_served_to_those_who_may_see_the_case_as_an_attachment():
    challenge = _issued_case()
    peer_on = peer_user()
    place(challenge, peer=peer_on.peer)
    outsider = peer_user()

    def get(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(f"/cases/{challenge.pk}/report/")

    by_manager = get(manager())
    by_peer_on = get(peer_on)

    assert by_manager.status_code == 200
    assert b"".join(by_manager.streaming_content) == PDF
    assert by_manager["Content-Type"] == "application/pdf"
    assert by_manager["Content-Disposition"].startswith("attachment;")
    assert f"{challenge.reference}-report.pdf" in by_manager["Content-Disposition"]
    assert by_manager["X-Content-Type-Options"] == "nosniff"
    assert by_peer_on.status_code == 200
    assert get(outsider).status_code == 404
    assert get(None).status_code == 302  # sign in first


def test_a_case_without_an_uploaded_report_or_a_missing_file_is_404(media):
    client = Client()
    client.force_login(manager())
    assert client.get(f"/cases/{PeerChallengeFactory().pk}/report/").status_code == 404

    challenge = _issued_case()
    for stored in media.rglob("*.pdf"):
        stored.unlink()
    assert client.get(f"/cases/{challenge.pk}/report/").status_code == 404


def test_a_json_body_over_the_limit_under_the_api_is_a_json_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"note": "' + "a" * 2048 + '"}'

    as_manager = api_client(manager()).post(
        "/api/challenges/", body, content_type="application/json"
    )
    token = Client().post("/api/auth/token/", body, content_type="application/json")

    for response in (as_manager, token):
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert "too large" in response.json()["detail"]


def test_the_api_serves_the_report_to_those_who_may_see_the_case_only():
    challenge = _issued_case()
    peer_on = peer_user()
    place(challenge, peer=peer_on.peer)
    url = f"/api/challenges/{challenge.pk}/report/"

    by_manager = api_client(manager()).get(url, HTTP_ACCEPT="application/pdf")
    by_peer_on = api_client(peer_on).get(url)
    by_outsider = api_client(peer_user()).get(url)
    no_file = api_client(manager()).get(f"/api/challenges/{PeerChallengeFactory().pk}/report/")

    assert by_manager.status_code == 200
    assert b"".join(by_manager.streaming_content) == PDF
    assert by_manager["Content-Disposition"].startswith("attachment;")
    assert by_manager["X-Content-Type-Options"] == "nosniff"
    assert by_peer_on.status_code == 200
    assert by_outsider.status_code == 404
    assert by_outsider["Content-Type"] == "application/json"
    assert no_file.status_code == 404
    assert APIClient().get(url).status_code == 403
