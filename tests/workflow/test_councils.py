"""The council register: loaded by the data migration, re-loadable without changing anything,
and linked (counties, combined authorities, successors) the way the mySociety CSV says."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from workflow.councils import DEFAULT_REGISTER
from workflow.models import Council

pytestmark = pytest.mark.django_db


def load_councils(*args) -> str:
    out = StringIO()
    call_command("load_councils", *args, stdout=out)
    return out.getvalue()


def test_migration_loads_317_active_english_councils():
    assert Council.objects.active_english().count() == 317


def test_migration_loads_every_row_of_the_register():
    with open(DEFAULT_REGISTER, newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    assert Council.objects.count() == rows


def test_loading_twice_changes_nothing():
    before = list(Council.objects.order_by("code").values())
    links = sorted(Council.replaced_by.through.objects.values_list("from_council", "to_council"))

    first, second = load_councils(), load_councils()

    for output in (first, second):
        assert output.startswith("0 created, 0 updated, ")
        assert output.endswith("unchanged; 317 active English councils\n")
    assert list(Council.objects.order_by("code").values()) == before
    assert (
        sorted(Council.replaced_by.through.objects.values_list("from_council", "to_council"))
        == links
    )


def test_reloading_restores_a_council_edited_by_hand():
    Council.objects.filter(code="SAL").update(name="Saint Albans", county=None)

    assert load_councils().startswith("0 created, 1 updated, ")

    council = Council.objects.get(code="SAL")
    assert (council.name, council.county.code) == ("St Albans", "HRT")


def test_a_missing_register_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        load_councils(str(tmp_path / "missing.csv"))


@pytest.mark.parametrize(
    ("code", "county", "combined_authority"),
    [
        ("SAL", "HRT", None),  # St Albans: a district of Hertfordshire
        ("ADU", "WSX", None),  # Adur: a district of West Sussex
        ("MAN", None, "GMCA"),  # Manchester: Greater Manchester combined authority
        ("BIR", None, "WMCA"),  # Birmingham: West Midlands combined authority
        ("CMD", None, "GLA"),  # Camden: a London borough, grouped under the GLA
    ],
)
def test_counties_and_combined_authorities_are_linked(code, county, combined_authority):
    council = Council.objects.get(code=code)
    assert (council.county and council.county.code) == county
    assert (council.combined_authority and council.combined_authority.code) == combined_authority


@pytest.mark.parametrize(
    ("code", "successors"),
    [
        ("CMA", {"CBD", "WAF"}),  # Cumbria: split into Cumberland and Westmorland and Furness
        ("ALL", {"CBD"}),  # Allerdale: into Cumberland
        ("AYL", {"BUC"}),  # Aylesbury Vale: into Buckinghamshire
    ],
)
def test_abolished_councils_link_to_their_successors(code, successors):
    council = Council.objects.get(code=code)
    assert not council.is_current
    assert not council.is_active_english_council
    assert {c.code for c in council.replaced_by.all()} == successors


def test_successors_list_their_predecessors():
    assert {"ALL", "CAR", "COP", "CMA"} <= set(
        Council.objects.get(code="CBD").predecessors.values_list("code", flat=True)
    )


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("CRF", "Welsh"),
        ("ABD", "Scottish"),
        ("ABC", "Northern Irish"),
        ("GMCA", "a combined authority"),
        ("GLA", "the Greater London Authority"),
    ],
)
def test_councils_outside_the_programme_are_not_active_english(code, why):
    assert not Council.objects.active_english().filter(code=code).exists(), why
