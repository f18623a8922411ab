"""The programme's history as the files the import reads (docs/import.md), so export → import
into an empty database gives the same programme report. A row imported before keeps its ref;
any other is named by its case reference (PC-00012) or peer number (PEER-00012).

What is history and what is work in progress: every case and peer; the team places that were
answered (completed, accepted, declined, expired, withdrawn: a reserve or an open invitation is
work still going on); the surveys completed, and those sent and never answered (expired), so
the response rates come back too. Cells a spreadsheet would run as formulas are neutralised
(workflow.peer_csv's guard; the import takes it off again)."""

import csv
import io
import zipfile
from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone

from reports.csv_cells import csv_cell
from reports.history_format import (
    ASSIGNMENTS,
    CASE_DATES,
    CASE_TEXTS,
    CHALLENGES,
    COLUMNS,
    FILES,
    PEERS,
    SURVEYS,
)
from reports.history_team import PLACE_STATUSES
from reports.models import ImportedRecord
from surveys.models import Answer, InvitationStatus, QuestionKind, SurveyInvitation
from workflow.models import Assignment, Peer, PeerChallenge
from workflow.peer_csv import join_items

Kind = ImportedRecord.Kind


def _refs(kind: str) -> dict[int, str]:
    return dict(ImportedRecord.objects.filter(kind=kind).values_list("object_id", "external_ref"))


def _day(value) -> str:
    return value.isoformat() if value else ""


def _local_day(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


class _Refs:
    def __init__(self) -> None:
        self.cases = _refs(Kind.CHALLENGE)
        self.peers = _refs(Kind.PEER)

    def case(self, pk: int) -> str:
        return self.cases.get(pk) or f"PC-{pk:05d}"

    def peer(self, pk: int) -> str:
        return self.peers.get(pk) or f"PEER-{pk:05d}"


def peer_rows(refs: _Refs) -> Iterable[dict[str, str]]:
    for peer in Peer.objects.select_related("council").order_by("pk"):
        yield {
            "peer_ref": refs.peer(peer.pk),
            "name": peer.name,
            "email": peer.email,
            "kind": peer.kind,
            "council": peer.council.code if peer.council else "",
            "political_group": peer.political_group,
            "officer_role": peer.officer_role,
            "job_title": peer.job_title,
        }


def challenge_rows(refs: _Refs) -> Iterable[dict[str, str]]:
    cases = PeerChallenge.objects.select_related("host", "challenge_type", "manager").order_by("pk")
    for case in cases:
        yield {
            "external_ref": refs.case(case.pk),
            "council": case.host.code,
            "type": case.challenge_type.slug,
            "state": case.state,
            **{name: _day(getattr(case, name)) for name in CASE_DATES},
            **{name: getattr(case, name) for name in CASE_TEXTS},
            "report_file": case.report_file.name or "",
            "parent_ref": refs.case(case.parent_id) if case.parent_id else "",
            "scope_components": "; ".join(case.scope_components),
            "local_objectives": join_items(case.local_objectives),
            "manager": case.manager.get_username() if case.manager else "",
            "postponed_from": case.postponed_from,
        }


def assignment_rows(refs: _Refs) -> Iterable[dict[str, str]]:
    places = Assignment.objects.filter(status__in=PLACE_STATUSES).order_by("challenge_id", "pk")
    for place in places:
        yield {
            "challenge_ref": refs.case(place.challenge_id),
            "peer_ref": refs.peer(place.peer_id),
            "role": place.role,
            "status": place.status,
            "days": f"{place.days.normalize():f}" if place.days is not None else "",
            "interests": place.interests,
        }


def _answer_cells(answer: Answer) -> tuple[str, str]:
    """(answer, detail) as the import reads them."""
    if answer.question.kind == QuestionKind.TEXT:
        return answer.text, ""
    if answer.question.kind == QuestionKind.CHOICE:
        return answer.choice, answer.text
    return "; ".join(answer.choices), answer.text


def survey_rows(refs: _Refs) -> Iterable[dict[str, str]]:
    answers = Answer.objects.select_related("question").order_by("question__position")
    invitations = (
        SurveyInvitation.objects.filter(
            status__in=[InvitationStatus.COMPLETED, InvitationStatus.EXPIRED]
        )
        .select_related("questionnaire")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("challenge_id", "questionnaire__kind", "respondent")
    )
    for invitation in invitations:
        common = {
            "challenge_ref": refs.case(invitation.challenge_id),
            "survey": invitation.questionnaire.kind,
            "respondent": invitation.respondent,
            "version": str(invitation.questionnaire.version),
            "sent_on": _local_day(invitation.sent_at),
        }
        if invitation.status == InvitationStatus.EXPIRED:
            yield {**common, "completed_on": "", "question": "", "answer": "", "detail": ""}
            continue
        for answer in invitation.answers.all():
            value, detail = _answer_cells(answer)
            if value:  # an optional question left blank is no answer
                yield {
                    **common,
                    "completed_on": _local_day(invitation.completed_at),
                    "question": answer.question.key,
                    "answer": value,
                    "detail": detail,
                }


ROWS = {
    PEERS: peer_rows,
    CHALLENGES: challenge_rows,
    ASSIGNMENTS: assignment_rows,
    SURVEYS: survey_rows,
}


def export_history() -> dict[str, str]:
    """Each file's text, by name."""
    refs = _Refs()
    files = {}
    for name in FILES:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS[name])
        for row in ROWS[name](refs):
            writer.writerow([csv_cell(row[column]) for column in COLUMNS[name]])
        files[name] = out.getvalue()
    return files


def export_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_history().items():
            archive.writestr(name, text)
    return buffer.getvalue()
