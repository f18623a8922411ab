"""The export of the programme's history in the import's format (reports/history_export.py):
export → import into an empty database → the same programme report, figure for figure."""

import csv
import dataclasses
import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from reports.history_export import export_history, export_zip
from reports.history_format import HistoryRefused
from reports.history_import import import_history
from reports.models import DeliveryTarget
from reports.programme import programme_report
from surveys.models import SurveyInvitation
from tests.reports import programme_data
from tests.reports.test_history_import import example
from tests.workflow import factories as f
from workflow.models import Assignment, Peer, PeerChallenge, State

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2017, 6, 30)  # as the programme report's own tests read the fixture


def figures(year: int) -> dict:
    """Every figure of the year's report; the list of cases without their references (an
    imported case is a new row with a new number)."""
    data = dataclasses.asdict(programme_report(year=year, today=TODAY))
    for case in data["cases"]:
        case.pop("reference")
    return data


def test_export_then_import_into_an_empty_database_gives_the_same_programme_report():
    with transaction.atomic():
        programme = programme_data.programme()
        programme_data.surveys(programme)
        # The factory leaves out the reason the withdraw step asks for; the import asks too.
        PeerChallenge.objects.filter(pk=programme.W.pk).update(withdrawn_reason="Elections")
        before = {year: figures(year) for year in (2015, 2016, 2017)}
        targets = list(DeliveryTarget.objects.values("year", "group_id", "target"))
        files = export_history()
        transaction.set_rollback(True)  # back to an empty database
    assert PeerChallenge.objects.count() == Peer.objects.count() == 0

    summary = import_history({name: text.encode() for name, text in files.items()})
    assert summary.created == {
        "peers.csv": 10,
        "challenges.csv": 9,
        "assignments.csv": 12,  # every place: answered places are history
        "survey_responses.csv": 9,
    }
    DeliveryTarget.objects.bulk_create(
        DeliveryTarget(**t) for t in targets
    )  # settings, not history
    after = {year: figures(year) for year in (2015, 2016, 2017)}
    assert after == before
    assert before[2016]["delivered"] == 4  # the fixture's sums (tests/reports/test_programme.py)


def test_an_imported_set_exports_with_its_own_refs_and_imports_again_changing_nothing():
    import_history(example())
    files = export_history()
    challenges = list(csv.DictReader(io.StringIO(files["challenges.csv"])))
    assert {row["external_ref"] for row in challenges} == {
        "CPC-2016-01",
        "FUV-2018-01",
        "FIN-2016-02",
        "CPC-2017-01",
        "CPC-2017-02",
    }
    places = list(csv.DictReader(io.StringIO(files["assignments.csv"])))
    assert {(r["challenge_ref"], r["peer_ref"], r["days"]) for r in places} >= {
        ("CPC-2016-01", "P001", "4.5"),
        ("CPC-2016-01", "P002", "4"),
    }
    counts = (Assignment.objects.count(), SurveyInvitation.objects.count())
    summary = import_history({name: text.encode() for name, text in files.items()})
    assert set(summary.created.values()) == {0}
    assert (Assignment.objects.count(), SurveyInvitation.objects.count()) == counts


def test_a_formula_in_a_cell_is_neutralised_and_comes_back_as_it_was():
    files = example(peers=(b"Bernard Brook", b"=HYPERLINK(1)"))
    import_history(files)
    exported = export_history()["peers.csv"]
    assert "'=HYPERLINK(1)" in exported
    assert Peer.objects.filter(name="=HYPERLINK(1)").exists()


def test_the_zip_and_the_command_hold_the_four_files(tmp_path):
    import_history(example())
    with zipfile.ZipFile(io.BytesIO(export_zip())) as archive:
        assert sorted(archive.namelist()) == [
            "assignments.csv",
            "challenges.csv",
            "peers.csv",
            "survey_responses.csv",
        ]
    out = io.StringIO()
    call_command("export_history", str(tmp_path / "out"), stdout=out)
    assert "challenges.csv: 5 rows" in out.getvalue()
    assert (tmp_path / "out" / "survey_responses.csv").read_text().startswith("challenge_ref,")


def test_an_uploaded_report_its_manager_and_objectives_come_back(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    amira = f.manager(username="amira")  # accounts are not history: she is there before
    objectives = ["Test the plan; and the budget", 'The "one council" culture']
    with transaction.atomic():
        case = f.PeerChallengeFactory(
            state=State.CLOSED, report_url="", manager=amira, local_objectives=objectives
        )
        case.report_file.save("cpc.pdf", ContentFile(b"%PDF-1.4"), save=True)
        name = case.report_file.name
        files = export_history()
        transaction.set_rollback(True)
    import_history({n: t.encode() for n, t in files.items()})
    back = PeerChallenge.objects.get()
    assert (back.report_file.name, back.manager, back.local_objectives) == (
        name,
        amira,
        objectives,
    )

    missing = files["challenges.csv"].replace(name, "reports/2017/gone.pdf")
    with pytest.raises(HistoryRefused) as refused:
        import_history({"challenges.csv": missing.replace("PC-", "PC-X-").encode()})
    assert [str(p) for p in refused.value.problems] == [
        "challenges.csv, line 2, column report_file: no file “reports/2017/gone.pdf” in this "
        "site's storage: copy the media files too"
    ]
