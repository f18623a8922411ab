"""Candidates for a team (workflow/candidates.py and GET /api/challenges/{id}/candidates/): the
conflicts in words, the workload in the case's financial year, answers, last challenges, the
order, the filters (400s for bad values), who may ask, and a query count that does not grow
with the pool."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.workflow import factories as f
from workflow.candidates import candidates_for
from workflow.models import Assignment, DeclaredInterest, Peer, PeerChallenge, Specialism, State

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)
VISIT = datetime.date(2026, 7, 6)  # financial year 2026/27
A, S = Assignment.Status, State


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case():
    """A CPC at Suffolk (SFK), visited in July 2026."""
    return f.PeerChallengeFactory(
        host=f.council("SFK"),
        state=State.TEAM_ASSEMBLY,
        onsite_start=VISIT,
        onsite_end=VISIT + datetime.timedelta(days=3),
    )


def other_case(start: datetime.date, state=State.PREPARATION, host="BIR"):
    return f.PeerChallengeFactory(
        host=f.council(host),
        state=state,
        onsite_start=start,
        onsite_end=start + datetime.timedelta(days=2),
    )


def by_name(found) -> dict:
    return {c.peer.name: c for c in found.candidates}


def test_each_candidate_carries_their_conflicts_in_words(case):
    f.PeerFactory(name="Ida Ipswich", council=f.council("IPS"))  # a district of Suffolk: hard
    f.PeerFactory(name="Sam Stalbans", council=f.council("SAL"))  # East of England too: soft
    f.PeerFactory(name="Bea Birmingham")  # no conflict

    found = by_name(candidates_for(case))

    assert [c.reason for c in found["Ida Ipswich"].hard] == [
        "Ipswich (the peer's home council) is a district of Suffolk, the host"
    ]
    assert not found["Ida Ipswich"].invitable
    assert [c.code for c in found["Sam Stalbans"].soft] == ["same_region"]
    assert found["Sam Stalbans"].invitable
    assert found["Bea Birmingham"].conflicts == []


def test_workload_counts_the_cases_financial_year_only(case):
    peer = f.PeerFactory(name="Wendy Work", max_days_per_year=10)
    done = other_case(datetime.date(2026, 4, 20), state=State.REPORTING)
    f.place(done, peer=peer, status=A.COMPLETED, days=Decimal("3.5"))
    last_year = other_case(datetime.date(2026, 3, 9), state=State.REPORTING, host="ADU")
    f.place(last_year, peer=peer, status=A.COMPLETED, days=Decimal("4"))
    booked = other_case(datetime.date(2026, 9, 14), host="COV")  # accepted: 3 days of visit
    f.place(booked, peer=peer, status=A.ACCEPTED)
    invited = other_case(datetime.date(2026, 10, 5), host="WOT")
    f.place(invited, peer=peer, status=A.INVITED)
    gone = other_case(datetime.date(2026, 11, 2), state=State.WITHDRAWN, host="IPS")
    f.place(gone, peer=peer, status=A.WITHDRAWN)

    [wendy] = candidates_for(case).candidates

    assert (wendy.days_completed, wendy.days_booked, wendy.workload) == (Decimal("3.5"), 3, 6.5)
    assert wendy.open_places == 2  # the accepted place and the open invitation
    assert (wendy.max_days, wendy.over_limit) == (10, False)
    assert candidates_for(case).financial_year == "2026/27"


def test_acceptance_rate_is_of_the_invitations_answered(case):
    f.PeerFactory(name="Nora Never")
    lapsed = f.PeerFactory(name="Len Lapsed")
    mixed = f.PeerFactory(name="Max Mixed")
    f.place(other_case(datetime.date(2026, 9, 1)), peer=lapsed, status=A.EXPIRED)
    for i, status in enumerate([A.ACCEPTED, A.COMPLETED, A.DECLINED, A.EXPIRED]):
        host = ["ADU", "COV", "WOT", "IPS"][i]
        state = State.REPORTING if status == A.COMPLETED else State.PREPARATION
        start = datetime.date(2026, 4, 6) + datetime.timedelta(weeks=4 * i)
        f.place(other_case(start, state=state, host=host), peer=mixed, status=status)

    found = by_name(candidates_for(case))

    assert found["Nora Never"].acceptance_rate is None
    assert found["Len Lapsed"].acceptance_rate is None  # invited, never answered
    assert found["Max Mixed"].acceptance_rate == pytest.approx(2 / 3)


def test_last_three_challenges_newest_first_and_a_place_on_this_team_is_marked(case):
    peer = f.PeerFactory(name="Pat Past")
    starts = [datetime.date(2025, m, 1) for m in (4, 6, 8, 10)]
    past = [
        other_case(d, state=State.REPORTING, host=h)
        for d, h in zip(starts, ["ADU", "COV", "WOT", "IPS"], strict=True)
    ]
    for c in past:
        f.place(c, peer=peer, status=A.COMPLETED)
    here = f.place(case, peer=peer, status=A.DECLINED)

    [pat] = candidates_for(case).candidates

    assert pat.last_challenges == past[::-1][:3]
    assert pat.place == here and not pat.invitable


def test_each_peer_keeps_their_own_last_three_when_the_latest_are_picked_in_sql(case):
    """The past places are sliced per peer in the query (a window over each peer's places):
    one peer's many recent places must not crowd out another's."""
    busy, quiet = f.PeerFactory(name="Bo Busy"), f.PeerFactory(name="Quin Quiet")
    hosts = ["ADU", "COV", "WOT", "IPS", "BIR"]
    busy_cases = [
        other_case(datetime.date(2025, 4 + m, 1), state=State.REPORTING, host=h)
        for m, h in enumerate(hosts)
    ]
    for c in busy_cases:
        f.place(c, peer=busy, status=A.COMPLETED)
    older = other_case(datetime.date(2024, 5, 1), state=State.REPORTING, host="SAL")
    f.place(older, peer=quiet, status=A.COMPLETED)

    found = by_name(candidates_for(case))

    assert found["Bo Busy"].last_challenges == busy_cases[::-1][:3]
    assert found["Quin Quiet"].last_challenges == [older]


def test_invitable_first_then_least_workload(case):
    busy = f.PeerFactory(name="Amy Busy")
    f.place(other_case(datetime.date(2026, 9, 1)), peer=busy, status=A.ACCEPTED)
    f.PeerFactory(name="Zed Free")
    f.PeerFactory(name="Hal Hard", council=f.council("IPS"))
    on_team = f.PeerFactory(name="Tom Team")
    f.place(case, peer=on_team, status=A.INVITED)
    f.PeerFactory(name="Ina Inactive", is_active=False)

    names = [c.peer.name for c in candidates_for(case).candidates]

    assert names == ["Zed Free", "Amy Busy", "Tom Team", "Hal Hard"]
    hidden = candidates_for(case, hide_hard=True).candidates
    assert "Hal Hard" not in [c.peer.name for c in hidden]


def make_pool(case, n: int) -> None:
    """n peers, each with a home council, a specialism, an interest, a completed and an
    accepted place elsewhere, and every third a reserve here."""
    specialism = Specialism.objects.first()
    homes = ["IPS", "SFK", "COV", "BIR", "ADU", "SAL"]
    done = other_case(datetime.date(2026, 4, 13), state=State.REPORTING, host="COV")
    booked = other_case(datetime.date(2026, 9, 7), host="WOT")
    for i in range(n):
        peer = f.PeerFactory(
            council=f.council(homes[i % len(homes)]),
            kind=Peer.Kind.MEMBER if i % 2 else Peer.Kind.OFFICER,
        )
        peer.specialisms.add(specialism)
        DeclaredInterest.objects.create(peer=peer, council=f.council("ADU"))
        f.place(done, peer=peer, status=A.COMPLETED)
        f.place(booked, peer=peer, status=A.ACCEPTED)
        if i % 3 == 0:
            f.place(case, peer=peer, status=A.RESERVE)


@pytest.mark.parametrize("n", [5, 50])
def test_the_query_count_does_not_grow_with_the_pool(case, n, django_assert_num_queries):
    make_pool(case, n)

    # The order: the host's successor links, places here, the year's workload, open places,
    # the pool with its hard-conflict flags. Each row in full: peers with their home councils,
    # former councils, interests, specialisms, answers, the latest places and their cases.
    with django_assert_num_queries(5 + 7):
        found = candidates_for(case)
        rows = list(found.candidates)

    assert len(found.candidates) == len(rows) == n
    assert all(c.last_challenges and c.specialisms for c in rows)


def test_a_case_read_with_its_places_is_not_asked_for_them_again(case, django_assert_num_queries):
    """The page reads its case with the team's places (selectors.challenge_list): the order
    takes this team's places from it rather than querying them again."""
    make_pool(case, 6)
    cases = PeerChallenge.objects.select_related("host").prefetch_related("assignments")
    read = cases.get(pk=case.pk)

    with django_assert_num_queries(4 + 7):  # the order's five but the places here
        rows = list(candidates_for(read).candidates)

    here = {a.peer_id: a for a in Assignment.objects.filter(challenge=case)}
    assert len(here) == 2
    assert {c.peer.pk: c.place for c in rows if c.place is not None} == here
    assert all(not c.invitable for c in rows if c.peer.pk in here)


def test_a_page_reads_only_its_own_rows_in_full_in_the_same_order(case, django_assert_num_queries):
    make_pool(case, 12)
    everyone = [c.peer.pk for c in candidates_for(case).candidates]

    found = candidates_for(case)
    with django_assert_num_queries(7):
        page = found.candidates[4:8]

    assert [c.peer.pk for c in page] == everyone[4:8]
    assert found.candidates[4].peer.pk == everyone[4]  # read already: no query
    assert found.candidates.find(everyone[-1]).peer.pk == everyone[-1]
    assert found.candidates.find(0) is None


def test_the_hard_conflict_flags_read_in_sql_agree_with_the_conflicts_in_words(case):
    """The order reads hard conflicts as sets in the database; each row says them in words
    from the register: every hard rule must come out the same both ways."""
    suffolk = f.council("SFK")
    replaced = f.council("ADU")
    replaced.replaced_by.add(suffolk)  # Suffolk, the host, replaced Adur
    f.council("WOT").replaced_by.add(f.council("COV"))  # nothing to do with the host
    cutoff_day = datetime.date(2021, 7, 6)  # five years before the visit
    pool = {
        "home": f.PeerFactory(name="Home Host", council=suffolk),
        "district": f.PeerFactory(name="Ida District", council=f.council("IPS")),
        "replaced": f.PeerFactory(name="Reg Replaced", council=replaced),
        "soft": f.PeerFactory(name="Sam Soft", council=f.council("SAL")),
        "none": f.PeerFactory(name="Bea None"),
        "homeless": f.PeerFactory(name="Nia Nohome", council=None),
        "former": f.PeerFactory(name="Fay Former"),
        "long_ago": f.PeerFactory(name="Lou Longago"),
        "former_district": f.PeerFactory(name="Dot Formerdistrict", council=None),
    }
    pool["former"].former_councils.create(council=suffolk, until=cutoff_day)
    pool["long_ago"].former_councils.create(
        council=suffolk, until=cutoff_day - datetime.timedelta(days=1)
    )
    pool["former_district"].former_councils.create(council=f.council("IPS"), until=VISIT)

    found = candidates_for(case)
    hard = {c.peer.name for c in found.candidates if c.hard}
    flagged = {r.name for r in found.candidates._ranked if r.hard}

    assert hard == flagged == {
        "Home Host", "Ida District", "Reg Replaced", "Fay Former", "Dot Formerdistrict"
    }  # fmt: skip
    shown = {c.peer.name for c in candidates_for(case, hide_hard=True).candidates}
    assert shown == {"Sam Soft", "Bea None", "Nia Nohome", "Lou Longago"}

    # At a district (Ipswich, in Suffolk) whose successor is another council: the peers of its
    # county and of that successor.
    at_ipswich = f.PeerChallengeFactory(host=f.council("IPS"), onsite_start=VISIT)
    f.council("IPS").replaced_by.add(f.council("BIR"))
    f.PeerFactory(name="Bob Successor", council=f.council("BIR"))
    found = candidates_for(at_ipswich)
    hard = {c.peer.name for c in found.candidates if c.hard}
    assert hard == {r.name for r in found.candidates._ranked if r.hard}
    assert {"Home Host", "Bob Successor", "Ida District"} <= hard
    assert "Reg Replaced" not in hard


# --- the API -----------------------------------------------------------------------------------


def url(case, query: str = "") -> str:
    return f"/api/challenges/{case.pk}/candidates/{query}"


def test_a_manager_gets_the_candidates_paginated_with_conflicts_in_words(case):
    f.PeerFactory(name="Ida Ipswich", council=f.council("IPS"))
    f.PeerFactory(name="Bea Birmingham", kind=Peer.Kind.MEMBER)

    response = f.api_client(f.manager()).get(url(case))

    assert response.status_code == 200, response.data
    assert response.data["count"] == 2
    first, second = response.data["results"]
    assert (first["peer"]["name"], first["invitable"], first["conflicts"]) == (
        "Bea Birmingham",
        True,
        [],
    )
    assert first["political_group"] == "labour" and first["acceptance_rate"] is None
    assert second["invitable"] is False
    assert second["conflicts"][0] == {
        "severity": "hard",
        "code": "county_of_their_district",
        "reason": "Ipswich (the peer's home council) is a district of Suffolk, the host",
    }


def test_the_apis_rows_written_directly_are_the_serializers(case):
    """The API writes each row as a dict (peer_serializers.candidate_output), not through
    CandidateOutput's nested fields; the schema is still CandidateOutput, so the two must give
    the same JSON for every kind of row: hard, soft, none, on the team, answered or not, no
    home council, half days, past teams with and without a visit date."""
    from rest_framework.renderers import JSONRenderer

    from workflow.peer_serializers import CandidateOutput, candidate_output

    make_pool(case, 8)
    f.PeerFactory(name="Ida Ipswich", council=f.council("IPS"))
    f.PeerFactory(name="Sam Stalbans", council=f.council("SAL"), kind=Peer.Kind.MEMBER)
    f.PeerFactory(name="Nia Nohome", council=None)
    wendy = f.PeerFactory(name="Wendy Work")
    done = other_case(datetime.date(2026, 4, 20), state=State.REPORTING)
    f.place(done, peer=wendy, status=A.COMPLETED, days=Decimal("3.5"))
    undated = f.PeerChallengeFactory(
        host=f.council("WOT"), state=State.ENQUIRY, onsite_start=None, onsite_end=None
    )
    f.place(undated, peer=wendy, status=A.ACCEPTED)
    f.place(case, peer=wendy, status=A.DECLINED)

    rows = list(candidates_for(case).candidates)
    direct = [candidate_output(c) for c in rows]

    assert direct == CandidateOutput(rows, many=True).data
    render = JSONRenderer().render
    assert render(direct) == render(CandidateOutput(rows, many=True).data)
    kinds = {
        (bool(c.hard), bool(c.soft), c.place is not None, c.peer.council is None) for c in rows
    }
    assert len(kinds) >= 4  # the rows differ in the ways the fields do
    past = [case for r in direct for case in r["last_challenges"]]
    assert {p["onsite_start"] is None for p in past} == {True, False}
    assert {r["workload"] for r in direct} >= {"3.5"}


def test_the_api_filters(case):
    specialism = Specialism.objects.first()
    member = f.PeerFactory(name="Mo Member", kind=Peer.Kind.MEMBER, council=f.council("COV"))
    member.specialisms.add(specialism)
    f.PeerFactory(name="Oli Officer")
    f.PeerFactory(name="Ida Ipswich", council=f.council("IPS"))
    client = f.api_client(f.manager())

    def names(query: str) -> list[str]:
        response = client.get(url(case, query))
        assert response.status_code == 200, response.data
        return [r["peer"]["name"] for r in response.data["results"]]

    assert names("?kind=member") == ["Mo Member"]
    assert names("?role=lead_officer") == ["Oli Officer", "Ida Ipswich"]
    assert names("?role=specialist") == ["Mo Member", "Oli Officer", "Ida Ipswich"]
    assert names(f"?specialism={specialism.slug}") == ["Mo Member"]
    assert names("?region=West%20Midlands") == ["Mo Member", "Oli Officer"]
    assert names("?political_group=labour") == ["Mo Member"]
    assert "Ida Ipswich" not in names("?hide_hard_conflicts=true")
    assert "Ida Ipswich" in names("?hide_hard_conflicts=false")


def test_the_region_filter_offers_each_region_once_in_order():
    """One option a region, not one a council (the councils' own order, by name, once made
    DISTINCT keep every council: 453 options for 12 regions, 20-40 ms of the page)."""
    from django.http import QueryDict

    from workflow.filters import CandidateFilter
    from workflow.models import Council

    offered = [value for value, _ in CandidateFilter(QueryDict("")).form.fields["region"].choices]
    regions = {c.region for c in Council.objects.exclude(region="")}

    assert len(regions) > 1
    assert offered == ["", *sorted(regions)]  # "": Any


@pytest.mark.parametrize(
    "query, field",
    [
        ("?kind=alderman", "kind"),
        ("?role=mayor", "role"),
        ("?specialism=knitting", "specialism"),
        ("?region=Atlantis", "region"),
        ("?political_group=whig", "political_group"),
        ("?hide_hard_conflicts=perhaps", "hide_hard_conflicts"),
        ("?colour=blue", "colour"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(case, query, field):
    response = f.api_client(f.manager()).get(url(case, query))
    assert response.status_code == 400
    assert set(response.data) == {field}


def test_only_managers_see_candidates(case):
    on_team = f.peer_user()
    f.place(case, peer=on_team.peer)
    assert f.api_client(on_team).get(url(case)).status_code == 403
    assert f.api_client(f.peer_user()).get(url(case)).status_code == 404
    assert f.api_client(f.programme_lead()).get(url(case)).status_code == 403
    assert f.api_client().get(url(case)).status_code in (401, 403)
    assert f.api_client(f.manager()).get("/api/challenges/999999/candidates/").status_code == 404


# --- the page's rows, written in Python (workflow/pages/candidates.py _rows_html) ---------------


def test_the_pages_rows_escape_what_peers_and_councils_say(client, case):
    """The rows are written with format_html, not the template: every value from the data is
    escaped as the template escaped it, and a posted form's errors keep its row open."""
    manager = f.manager()
    case.manager = manager
    case.save(update_fields=["manager"])
    home = f.council("SAL")
    home.name = "St <u>Albans</u> & District"
    home.save(update_fields=["name"])
    odd = f.PeerFactory(name="<b>O'Hara & Co</b>", council=home)  # soft: region
    past = other_case(datetime.date(2026, 4, 20), state=State.REPORTING, host="SAL")
    f.place(past, peer=odd, status=A.COMPLETED)
    odd.specialisms.add(Specialism.objects.create(name="<i>Risk</i>", slug="risk-odd"))
    client.force_login(manager)
    page_url = f"/cases/{case.pk}/candidates/"

    row = client.get(page_url).content.decode()
    row = row[row.index(f'data-testid="candidate-{odd.pk}"') :]
    row = row[: row.index("</tr>")]

    assert "<b>" not in row and "<i>" not in row and "<u>" not in row
    # the home council, the soft conflict naming it, and a past team's host
    assert row.count("St &lt;u&gt;Albans&lt;/u&gt; &amp; District") >= 3
    assert "&lt;b&gt;O&#x27;Hara &amp; Co&lt;/b&gt;" in row
    assert "&lt;i&gt;Risk&lt;/i&gt;" in row
    assert "Add &lt;b&gt;O&#x27;Hara &amp; Co&lt;/b&gt;</button>" in row
    assert 'name="csrfmiddlewaretoken"' in row and '<details class="govuk-details">' in row

    posted = client.post(page_url, {"peer": odd.pk, f"peer-{odd.pk}-role": "mayor"})
    again = posted.content.decode()
    again = again[again.index(f'data-testid="candidate-{odd.pk}"') :]
    assert '<details class="govuk-details" open>' in again[: again.index("</tr>")]
