"""The import of historic programme data (reports/history_import.py, docs/import.md) on the
example set in docs/import-example/ and on copies of it made wrong one cell at a time."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification
from reports.history_format import FILES, HistoryRefused
from reports.history_import import IMPORTED, import_history
from reports.models import ImportedRecord
from reports.programme import programme_report
from surveys.models import Answer, SurveyInvitation
from tests.workflow import factories as f
from workflow.models import Assignment, CaseEvent, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example"


def example(**changes: tuple[bytes, bytes]) -> dict[str, bytes]:
    """The example set; `peers=(old, new)` replaces text in peers.csv (one occurrence)."""
    files = {name: (EXAMPLE / name).read_bytes() for name in FILES}
    for stem, (old, new) in changes.items():
        name = f"{stem}.csv"
        assert old in files[name], old
        files[name] = files[name].replace(old, new, 1)
    return files


def written() -> dict[str, int]:
    return {
        "peers": Peer.objects.count(),
        "cases": PeerChallenge.objects.count(),
        "events": CaseEvent.objects.count(),
        "places": Assignment.objects.count(),
        "invitations": SurveyInvitation.objects.count(),
        "answers": Answer.objects.count(),
        "keys": ImportedRecord.objects.count(),
        "emails": Notification.objects.count(),
    }


def refusal(files: dict[str, bytes]) -> list[str]:
    with pytest.raises(HistoryRefused) as refused:
        import_history(files)
    return [str(p) for p in refused.value.problems]


def case(ref: str) -> PeerChallenge:
    pk = ImportedRecord.objects.get(kind="challenge", external_ref=ref).object_id
    return PeerChallenge.objects.get(pk=pk)


def test_the_example_set_imports_each_case_in_its_final_state():
    summary = import_history(example())
    assert summary.created == {
        "peers.csv": 4,
        "challenges.csv": 5,
        "assignments.csv": 8,
        "survey_responses.csv": 5,
    }
    cpc = case("CPC-2016-01")
    assert (cpc.host.code, cpc.challenge_type.slug, cpc.state) == ("BIR", "corporate", "closed")
    assert cpc.scope_components == ["local-context", "leadership-of-place"]
    assert cpc.action_plan_published_on == datetime.date(2017, 3, 1)
    # A state left blank is the one the dates reached; the follow-up came before its parent.
    follow_up = case("FUV-2018-01")
    assert (follow_up.state, follow_up.parent) == (State.CLOSED, cpc)
    assert case("FIN-2016-02").host.code == "KEN"  # by name, by its GSS code on peers.csv
    assert case("CPC-2017-02").state == State.WITHDRAWN
    days = {(p.peer.email, p.challenge_id): p.days for p in Assignment.objects.all()}
    assert days[("alice.able@example.org", cpc.pk)] == Decimal("4.5")
    bernard = Peer.objects.get(email="bernard.brook@example.org")
    assert bernard.council is not None and bernard.council.code == "KEN"
    assert sorted(SurveyInvitation.objects.values_list("status", flat=True)) == [
        "completed",
        "completed",
        "completed",
        "completed",
        "expired",
    ]
    ce = SurveyInvitation.objects.get(
        challenge=cpc, respondent="chief_executive", questionnaire__kind="feedback"
    )
    answers = {a.question.key: (a.choice, a.choices, a.text) for a in ce.answers.all()}
    assert answers["FB10"] == ("yes", [], "Our resident panel shaped the budget consultation")
    assert answers["FB11"] == ("", ["mentoring", "principal_adviser"], "")
    assert ce.completed_at.date() == datetime.date(2017, 2, 15)


def test_each_case_has_one_imported_event_and_no_email_is_queued():
    import_history(example())
    events = CaseEvent.objects.all()
    assert events.count() == PeerChallenge.objects.count() == 5
    assert {e.action for e in events} == {IMPORTED}
    event = events.get(challenge=case("CPC-2016-01"))
    assert event.data == {
        "imported": True,
        "source": "challenges.csv",
        "line": 3,
        "external_ref": "CPC-2016-01",
    }
    assert event.to_state == "closed"
    assert Notification.objects.count() == 0


def test_importing_the_same_files_again_changes_nothing():
    import_history(example())
    before = written()
    stamps = list(PeerChallenge.objects.order_by("pk").values_list("pk", "updated_at"))
    summary = import_history(example())
    assert written() == before
    assert list(PeerChallenge.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert set(summary.created.values()) == {0}
    assert summary.unchanged == {
        "peers.csv": 4,
        "challenges.csv": 5,
        "assignments.csv": 8,
        "survey_responses.csv": 5,
    }


# file, (old, new), line, column, words in the message
BAD_ROWS = {
    "a council no register has": (
        "challenges",
        (b"E08000025", b"E08999999"),
        3,
        "council",
        "no council has the register code or GSS code “E08999999”",
    ),
    "an unknown type": (
        "challenges",
        (b"KEN,Finance peer challenge", b"KEN,Finance review"),
        4,
        "type",
        "no challenge type “Finance review”",
    ),
    "a visit ending before it starts": (
        "challenges",
        (b"2017-04-01,2017-04-04", b"2017-04-05,2017-04-04"),
        5,
        "onsite_end",
        "must not be before the onsite start (5 April 2017)",
    ),
    "a report issued before the feedback": (
        "challenges",
        (b"2017-03-31,2017-05-02", b"2017-03-31,2017-03-30"),
        4,
        "report_issued_on",
        "is before the feedback presentation (31 March 2017)",
    ),
    "an impossible date": (
        "challenges",
        (b"2016-11-14", b"2016-11-31"),
        3,
        "onsite_start",
        "2016-11-31 is not a real date",
    ),
    "a peer nobody knows": (
        "assignments",
        (b"FUV-2018-01,P002", b"FUV-2018-01,P009"),
        5,
        "peer_ref",
        "no peer “P009” in peers.csv or imported before",
    ),
    "an officer in a member's role": (
        "assignments",
        (b"CPC-2016-01,P003,officer", b"CPC-2016-01,P003,lead_member"),
        4,
        "role",
        "Carla Cross is an officer peer",
    ),
    "a survey answer not on the scale": (
        "survey_responses",
        (b"FB1,fairly_satisfied", b"FB1,quite_satisfied"),
        6,
        "answer",
        "“quite_satisfied” is not an answer to FB1",
    ),
    "words with an answer that asks for none": (
        "survey_responses",
        (b"FB1,very_satisfied,", b"FB1,very_satisfied,Great"),
        2,
        "detail",
        "only an answer that asks for words has detail",
    ),
    "a survey completed before it was sent": (
        "survey_responses",
        (b"2017-01-10,2017-02-15,FB1", b"2017-03-10,2017-02-15,FB1"),
        2,
        "completed_on",
        "is before it was sent (2017-03-10)",
    ),
    "a survey of a case whose report was never issued": (
        "survey_responses",
        (b"CPC-2017-01,feedback", b"CPC-2017-02,feedback"),
        10,
        "challenge_ref",
        "the case is withdrawn: surveys follow the report",
    ),
    "a challenge ref twice": (
        "challenges",
        (b"CPC-2017-01,LDS", b"CPC-2016-01,LDS"),
        5,
        "external_ref",
        "“CPC-2016-01” is already on line 3 of this file",
    ),
    "a peer ref twice": (
        "peers",
        (b"P004,", b"P003,"),
        5,
        "peer_ref",
        "“P003” is already on line 4 of this file",
    ),
    "a member peer with no group": (
        "peers",
        (b"LDS,Labour", b"LDS,"),
        2,
        "political_group",
        "a member peer is a councillor: give their political group",
    ),
    "a withdrawn case with no reason": (
        "challenges",
        (b"The council's elections moved the visit beyond the year", b""),
        6,
        "withdrawn_reason",
        "a withdrawn case gives the reason",
    ),
}


@pytest.mark.parametrize("name", BAD_ROWS)
def test_a_bad_row_is_named_by_file_line_and_column_and_nothing_is_written(name):
    stem, change, line, column, words = BAD_ROWS[name]
    with pytest.raises(HistoryRefused) as refused:
        import_history(example(**{stem: change}))
    where = [(p.file, p.line, p.column) for p in refused.value.problems if words in p.message]
    assert where == [(f"{stem}.csv", line, column)], [str(p) for p in refused.value.problems]
    # All or nothing: the good rows of every file were rolled back with the bad one.
    assert set(written().values()) == {0}


def test_a_dry_run_checks_and_counts_but_writes_nothing():
    summary = import_history(example(), dry_run=True)
    assert summary.created["challenges.csv"] == 5
    assert set(written().values()) == {0}


def test_a_file_with_unknown_or_missing_columns_is_refused_at_its_header():
    files = example(peers=(b"peer_ref,name,email,kind", b"ref,name,mail,kind"))
    assert refusal(files) == [
        "peers.csv, line 1: unknown columns: “ref”, “mail”; the columns are peer_ref, name, "
        "email, kind, council, political_group, officer_role, job_title",
        "peers.csv, line 1: missing columns: peer_ref, email",
    ]


def test_a_completed_place_on_a_case_never_visited_is_refused():
    files = example(assignments=(b"CPC-2017-01,P004,lead_member", b"CPC-2017-02,P004,lead_member"))
    assert refusal(files) == [
        "assignments.csv, line 8, column status: a place is completed once the visit "
        "happened: the case is withdrawn"
    ]


def test_the_command_imports_a_directory_with_a_progress_bar(tmp_path, capsys):
    for name, data in example().items():
        (tmp_path / name).write_bytes(data)
    call_command("import_history", str(tmp_path))
    out, err = capsys.readouterr()
    assert "challenges.csv: 5 new, 0 unchanged" in out
    assert "challenges.csv" in err and "5/5" in err


def test_the_command_lists_the_problems_and_writes_nothing(tmp_path):
    for name, data in example(challenges=(b"E08000025", b"XXX")).items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(CommandError) as failed:
        call_command("import_history", str(tmp_path), "--no-progress")
    assert "challenges.csv, line 3, column council: no council has" in str(failed.value)
    assert set(written().values()) == {0}


def test_the_case_timeline_says_the_case_was_imported(client):
    import_history(example())
    client.force_login(f.manager())
    page = client.get(f"/cases/{case('CPC-2016-01').pk}/").content.decode()
    assert "Imported from the programme&#x27;s history" in page


def test_a_date_of_a_step_the_state_has_not_reached_is_refused():
    files = example(challenges=(b"CPC-2017-01,LDS,corporate,", b"CPC-2017-01,LDS,corporate,onsite"))
    assert refusal(files) == [
        "challenges.csv, line 5, column feedback_date: a case onsite has not reached this "
        "step: leave it blank",
        "challenges.csv, line 5, column report_issued_on: a case onsite has not reached this "
        "step: leave it blank",
        "challenges.csv, line 5, column published_on: a case onsite has not reached this step: "
        "leave it blank",
    ]


def test_a_peer_twice_on_one_team_and_a_place_already_there_are_refused():
    files = example(assignments=(b"FUV-2018-01,P002", b"CPC-2016-01,P002"))
    assert refusal(files) == [
        "assignments.csv, line 5, column peer_ref: P002 on CPC-2016-01 is already on line 3 "
        "of this file"
    ]


def test_a_peer_imported_before_and_deleted_since_is_a_row_problem():
    files = example()
    import_history({"peers.csv": files["peers.csv"]})
    Peer.objects.filter(email="david.dale@example.org").delete()
    problems = refusal(files)
    assert (
        "assignments.csv, line 7, column peer_ref: the peer “P004” was imported before and "
        "has been deleted since" in problems
    )


def test_a_row_the_database_refuses_after_every_check_passed_is_a_refusal_not_an_error(
    monkeypatch,
):
    from django.db import IntegrityError

    from reports import history_import

    def racing(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint one_import_per_key")

    monkeypatch.setattr(history_import._Run, "remember", racing)
    assert refusal(example()) == [
        "the database changed during the import: nothing was imported; import the files again"
    ]
    assert set(written().values()) == {0}


def test_the_imported_history_counts_in_the_programme_report_as_worked_out_by_hand():
    """2016/17 in the example: Birmingham's CPC (visit ended 17 Nov 2016) and Kent's finance
    peer challenge (ended 31 March 2017: still 2016/17); Leeds' CPC ended 4 April 2017 (the
    next year), the follow-up in 2018, Dover's CPC was withdrawn. Peers on completed places:
    P001 (councillor) 4.5 days, P002 4, P003 3.5 + 3 (officers; P004 declined)."""
    import_history(example())
    report = programme_report(year=2016, today=datetime.date(2019, 1, 1))
    assert (report.delivered, report.councils_engaged) == (2, 2)
    peers = report.peers
    assert (peers.deployed, peers.councillors, peers.officers) == (3, 1, 2)
    assert peers.days == Decimal("15")
    assert (report.team.cpcs, report.team.places, report.team.average) == (1, 3, Decimal("3.0"))
    assert (report.first_time.cpcs, report.first_time.first_time) == (1, 1)
    assert report.feedback.responses["all"] == 2  # returns on 31 Jan and 15 Feb 2017
    assert programme_report(year=2017, today=datetime.date(2019, 1, 1)).delivered == 1


def test_a_manager_is_someone_who_may_manage_cases():
    f.peer_user(username="pat")
    head = b"external_ref,council,type,onsite_start,onsite_end,manager\n"
    for username in (b"nobody", b"pat"):
        row = b"X1,BIR,corporate,2030-01-01,2030-01-02," + username + b"\n"
        assert refusal({"challenges.csv": head + row}) == [
            f"challenges.csv, line 2, column manager: no manager has the username "
            f"“{username.decode()}”"
        ]
