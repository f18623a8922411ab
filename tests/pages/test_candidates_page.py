"""The candidates page (/cases/<pk>/candidates/): the table with each peer's conflicts in words,
the filters and their errors, and "Add to the team" through the team's service: invited or as
a reserve, a soft conflict's reason asked for and recorded, a hard conflict never added."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workflow import factories as f
from workflow.models import Assignment, Peer, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return f.manager()


@pytest.fixture
def case(manager):
    """A CPC at Suffolk, in team assembly."""
    return f.PeerChallengeFactory(host=f.council("SFK"), state=State.TEAM_ASSEMBLY, manager=manager)


@pytest.fixture
def pool():
    return {
        "ida": f.PeerFactory(name="Ida Ipswich", council=f.council("IPS")),  # hard
        "sam": f.PeerFactory(name="Sam Stalbans", council=f.council("SAL")),  # soft: region
        "bea": f.PeerFactory(name="Bea Birmingham", kind=Peer.Kind.MEMBER),  # none
    }


def url(case, query: str = "") -> str:
    return reverse("case-candidates", kwargs={"pk": case.pk}) + query


def row(page: str, peer: Peer) -> str:
    start = page.index(f'data-testid="candidate-{peer.pk}"')
    return page[start : page.index("</tr>", start)]


def test_the_page_lists_candidates_with_their_conflicts_in_words(client, manager, case, pool):
    client.force_login(manager)
    page = client.get(url(case)).content.decode()

    ida = row(page, pool["ida"])
    assert "Ipswich (the peer&#x27;s home council) is a district of Suffolk, the host" in ida
    assert "Cannot serve" in ida and "<form" not in ida
    sam = row(page, pool["sam"])
    assert "Soft: Suffolk, the host, and St Albans" in sam
    assert f'name="peer-{pool["sam"].pk}-override_reason"' in sam
    bea = row(page, pool["bea"])
    assert "override_reason" not in bea and "Add Bea Birmingham" in bea
    # Invitable first: Ida (hard) comes last.
    assert page.index("Ida Ipswich") > page.index("Sam Stalbans")


def test_the_filters_narrow_the_list_and_a_bad_value_is_an_error(client, manager, case, pool):
    client.force_login(manager)

    members = client.get(url(case, "?kind=member")).content.decode()
    assert "Bea Birmingham" in members and "Sam Stalbans" not in members
    hidden = client.get(url(case, "?hide_hard_conflicts=true")).content.decode()
    assert "Ida Ipswich" not in hidden and "Sam Stalbans" in hidden

    bad = client.get(url(case, "?region=Atlantis"))
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()
    assert "Atlantis is not one of the available choices" in bad.content.decode()


def add(client, case, peer, **fields):
    prefix = f"peer-{peer.pk}"
    data = {"peer": peer.pk, f"{prefix}-start_as": "invited", f"{prefix}-role": "officer"}
    data |= {f"{prefix}-{k}": v for k, v in fields.items()}
    return client.post(url(case), data)


def test_adding_a_candidate_invites_them_through_the_service(client, manager, case, pool):
    client.force_login(manager)
    due = timezone.localdate() + datetime.timedelta(days=10)
    when = {"respond_by_day": due.day, "respond_by_month": due.month, "respond_by_year": due.year}
    response = add(client, case, pool["bea"], role="member", **when)

    assert response.status_code == 302
    place = case.assignments.get(peer=pool["bea"])
    assert (place.status, place.role, place.respond_by) == (
        Assignment.Status.INVITED,
        "member",
        due,
    )
    page = client.get(response.url).content.decode()
    assert "Bea Birmingham invited (member peer)." in page
    assert "On the team: invited" in row(page, pool["bea"])


def test_a_candidate_may_be_added_as_a_reserve(client, manager, case, pool):
    client.force_login(manager)
    add(client, case, pool["bea"], role="member", start_as="reserve")
    assert case.assignments.get(peer=pool["bea"]).status == Assignment.Status.RESERVE


def test_a_soft_conflict_needs_a_reason_which_is_recorded(client, manager, case, pool):
    client.force_login(manager)

    missing = add(client, case, pool["sam"])
    page = missing.content.decode()
    assert missing.status_code == 200
    assert "govuk-error-summary" in page
    assert "Sam Stalbans has a soft conflict with the host" in page
    assert not case.assignments.exists()

    added = add(client, case, pool["sam"], override_reason="Worked with Suffolk a decade ago")
    assert added.status_code == 302
    place = case.assignments.get(peer=pool["sam"])
    assert (place.override_reason, place.overridden_by) == (
        "Worked with Suffolk a decade ago",
        manager,
    )
    detail = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Worked with Suffolk a decade ago" in detail  # on the timeline


def test_a_hard_conflict_is_refused_in_the_services_words(client, manager, case, pool):
    client.force_login(manager)
    response = add(client, case, pool["ida"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ida Ipswich cannot serve: Ipswich (the peer&#x27;s home council) is a district" in page
    assert not case.assignments.exists()


def test_a_bad_form_value_is_a_form_error_and_nothing_is_written(client, manager, case, pool):
    client.force_login(manager)
    response = add(client, case, pool["bea"], role="mayor", respond_by_day="31",
                   respond_by_month="2", respond_by_year="2026")  # fmt: skip
    page = response.content.decode()
    assert "Select a valid choice" in page and "Enter a valid date" in page
    assert not case.assignments.exists()


def test_an_unknown_peer_is_refused_plainly(client, manager, case, pool):
    client.force_login(manager)
    response = client.post(url(case), {"peer": "999999"})
    assert "choose a peer from the list on this page" in response.content.decode()


def test_each_rows_blank_form_is_the_form_rendered_for_that_peer(case, pool):
    """The page renders each variant of the blank add form once and gives each row its own
    prefix: the markup must be what rendering that row's own form gives."""
    from workflow.candidates import candidates_for
    from workflow.pages.candidates import AddToTeamForm, _BlankForms

    more = [f.PeerFactory(kind=Peer.Kind.MEMBER), f.PeerFactory(council=f.council("SAL"))]
    blank = _BlankForms()
    rows = [c for c in candidates_for(case).candidates if c.invitable]

    assert {c.peer.pk for c in rows} >= {pool["sam"].pk, pool["bea"].pk, *(p.pk for p in more)}
    for candidate in rows:
        assert blank.of(candidate) == str(AddToTeamForm(candidate=candidate))
    assert len(blank._markup) < len(rows)  # a variant rendered once served several rows
    assert blank.of(next(c for c in candidates_for(case).candidates if c.hard)) is None
