"""The report's content check is the model field's validators (workflow/models/challenges.py),
run by the one service path whatever called it: the shell, the admin, the API, the pages. A
history import may name a file already in storage only if that file passes the same checks."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import InvalidInput
from reports.history_format import HistoryRefused
from reports.history_import import import_history
from tests.workflow.factories import PeerChallengeFactory, manager
from workflow import services
from workflow.models import CaseEvent, PeerChallenge, State

pytestmark = pytest.mark.django_db

HTML = b"<html><script>alert(1)</script></html>"
PDF = b"%PDF-1.7\n% a report\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    "upload",
    [
        lambda: ContentFile(HTML, name="report.pdf"),  # what a shell or a script would pass
        lambda: SimpleUploadedFile("report.pdf", HTML, "application/pdf"),
    ],
)
def test_the_service_itself_refuses_a_file_whose_content_is_not_its_name(media, upload):
    challenge = PeerChallengeFactory(state=State.REPORTING)

    with pytest.raises(InvalidInput) as refused:
        services.challenge_transition(
            challenge=challenge, name="issue_report", actor=manager(), report_file=upload()
        )

    assert "not a real .pdf file" in str(refused.value.errors["report_file"])
    challenge.refresh_from_db()
    assert (challenge.state, challenge.report_file.name) == (State.REPORTING, "")
    assert not CaseEvent.objects.filter(challenge=challenge, action__endswith="issued").exists()
    assert not any(media.rglob("*.*"))  # nothing written


def test_the_service_stores_a_real_pdf(media):
    challenge = PeerChallengeFactory(state=State.REPORTING)

    services.challenge_transition(
        challenge=challenge,
        name="issue_report",
        actor=manager(),
        report_file=ContentFile(PDF, name="report.pdf"),
    )

    challenge.refresh_from_db()
    assert challenge.state == State.REPORT_ISSUED
    assert challenge.report_file.read() == PDF


def test_the_admins_step_form_shows_the_refusal_and_stores_nothing(media, admin_client):
    challenge = PeerChallengeFactory(state=State.REPORTING)
    url = reverse("admin:workflow_peerchallenge_transition", args=[challenge.pk, "issue_report"])

    response = admin_client.post(
        url, {"report_file": SimpleUploadedFile("report.pdf", HTML, "application/pdf")}
    )

    assert response.status_code == 200  # the form again, not a redirect
    assert "not a real .pdf file" in str(response.context["form"].errors["report_file"])
    challenge.refresh_from_db()
    assert challenge.state == State.REPORTING
    assert not any(media.rglob("*.*"))


def test_the_admins_step_form_accepts_a_real_pdf(media, admin_client):
    challenge = PeerChallengeFactory(state=State.REPORTING)
    url = reverse("admin:workflow_peerchallenge_transition", args=[challenge.pk, "issue_report"])

    response = admin_client.post(
        url, {"report_file": SimpleUploadedFile("report.pdf", PDF, "application/pdf")}
    )

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == State.REPORT_ISSUED


def test_a_history_import_refuses_a_stored_file_that_is_not_what_its_name_says():
    from reports.history_export import export_history

    case = PeerChallengeFactory(state=State.CLOSED, report_url="")
    case.report_file.save("cpc.pdf", ContentFile(PDF), save=True)
    files = export_history()
    PeerChallenge.objects.filter(pk=case.pk).delete()
    name = case.report_file.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(HTML))  # swapped in storage by hand

    with pytest.raises(HistoryRefused) as refused:
        import_history({n: t.encode() for n, t in files.items()})

    problems = [str(p) for p in refused.value.problems]
    assert len(problems) == 1
    assert "column report_file" in problems[0]
    assert "not a real .pdf file" in problems[0]
