"""Conflict checks on real rows of the council register (workflow/data: mySociety's codes):
each rule, its words, its severity, the former-council window, and a constant query count."""

import datetime

import pytest

from tests.workflow import factories as f
from workflow.conflicts import (
    Code,
    Severity,
    conflicts,
    conflicts_for_peers,
    former_council_cutoff,
)
from workflow.models import DeclaredInterest, Peer, PeerFormerCouncil

pytestmark = pytest.mark.django_db
VISIT = datetime.date(2026, 6, 1)
HARD, SOFT = Severity.HARD, Severity.SOFT


def peer_from(code: str | None, *, former: dict[str, datetime.date] | None = None) -> Peer:
    peer = f.PeerFactory(council=f.council(code) if code else None)
    for former_code, until in (former or {}).items():
        PeerFormerCouncil.objects.create(peer=peer, council=f.council(former_code), until=until)
    return peer


def found(peer: Peer, host_code: str, on: datetime.date = VISIT) -> list[tuple[str, str, str]]:
    return [(c.severity, c.code, c.reason) for c in conflicts(peer, f.council(host_code), on=on)]


def codes(peer: Peer, host_code: str, on: datetime.date = VISIT) -> list[str]:
    return [code for _, code, _ in found(peer, host_code, on)]


# --- hard: the peer's own council -------------------------------------------------------------


def test_the_home_council_is_a_hard_conflict():
    assert found(peer_from("ADU"), "ADU") == [
        (HARD, Code.HOME_COUNCIL, "Adur, the host, is the peer's home council")
    ]


def test_a_former_council_left_within_the_window_is_a_hard_conflict():
    peer = peer_from("BIR", former={"ADU": datetime.date(2023, 5, 4)})

    assert found(peer, "ADU") == [
        (HARD, Code.FORMER_COUNCIL, "Adur, the host, is the peer's council until 4 May 2023")
    ]


def test_a_former_council_left_longer_ago_than_the_window_is_no_conflict():
    peer = peer_from("BIR", former={"ADU": datetime.date(2019, 5, 2)})

    assert found(peer, "ADU") == []


def test_the_window_is_counted_back_from_the_visit_day_inclusive():
    # Five years by default (settings.PEER_FORMER_COUNCIL_YEARS): left on 1 June 2021 counts
    # for a visit on 1 June 2026, left the day before does not.
    assert codes(peer_from(None, former={"ADU": datetime.date(2021, 6, 1)}), "ADU") == [
        Code.FORMER_COUNCIL
    ]
    assert codes(peer_from(None, former={"ADU": datetime.date(2021, 5, 31)}), "ADU") == []


def test_the_window_is_a_setting(settings):
    settings.PEER_FORMER_COUNCIL_YEARS = 2
    peer = peer_from("BIR", former={"ADU": datetime.date(2023, 5, 4)})

    assert codes(peer, "ADU") == []
    assert codes(peer, "ADU", on=datetime.date(2025, 5, 4)) == [Code.FORMER_COUNCIL]


def test_the_window_from_29_february_ends_on_28_february(settings):
    settings.PEER_FORMER_COUNCIL_YEARS = 5
    assert former_council_cutoff(datetime.date(2028, 2, 29)) == datetime.date(2023, 2, 28)


# --- hard: counties and their districts -------------------------------------------------------


def test_the_county_of_the_peers_district_is_a_hard_conflict():
    # Ipswich (IPS) is a non-metropolitan district of Suffolk (SFK).
    assert found(peer_from("IPS"), "SFK")[0] == (
        HARD,
        Code.COUNTY_OF_THEIR_DISTRICT,
        "Ipswich (the peer's home council) is a district of Suffolk, the host",
    )


def test_a_district_of_the_peers_county_is_a_hard_conflict():
    assert found(peer_from("SFK"), "IPS")[0] == (
        HARD,
        Code.DISTRICT_OF_THEIR_COUNTY,
        "Ipswich, the host, is a district of Suffolk (the peer's home council)",
    )


def test_a_recent_former_district_counts_for_its_county():
    peer = peer_from("BIR", former={"ADU": datetime.date(2024, 1, 31)})  # Adur: West Sussex

    assert found(peer, "WSX") == [
        (
            HARD,
            Code.COUNTY_OF_THEIR_DISTRICT,
            "Adur (the peer's council until 31 January 2024) is a district of West Sussex, "
            "the host",
        )
    ]


def test_another_district_of_the_same_county_is_only_the_same_region():
    # Adur and Worthing are both districts of West Sussex: neighbours, not the same council.
    assert found(peer_from("WOT"), "ADU") == [
        (
            SOFT,
            Code.SAME_REGION,
            "Adur, the host, and Worthing (the peer's home council) are both in the South East "
            "region",
        )
    ]


# --- hard: predecessors and successors ---------------------------------------------------------


def test_a_unitary_that_replaced_the_peers_former_district_is_a_hard_conflict():
    # Allerdale (ALL) was abolished in 2023 and replaced by Cumberland (CBD).
    peer = peer_from("LAN", former={"ALL": datetime.date(2023, 3, 31)})

    assert (
        HARD,
        Code.SUCCESSOR,
        "Cumberland, the host, replaced Allerdale (the peer's council until 31 March 2023)",
    ) in found(peer, "CBD")


def test_a_unitary_that_replaced_a_county_is_a_hard_conflict_for_its_officers():
    # Buckinghamshire County Council (BKM) and its districts became Buckinghamshire (BUC).
    peer = peer_from("HRT", former={"BKM": datetime.date(2020, 3, 31)})

    assert codes(peer, "BUC", on=datetime.date(2024, 9, 1)) == [Code.SUCCESSOR]
    assert Code.SUCCESSOR not in codes(peer, "BUC", on=datetime.date(2025, 9, 1))  # > 5 years


def test_the_predecessor_of_the_peers_council_is_a_hard_conflict():
    # Either way round: a host that Cumberland replaced (the rule reads the register, whatever
    # the host's standing).
    assert found(peer_from("CBD"), "ALL")[0] == (
        HARD,
        Code.PREDECESSOR,
        "Allerdale, the host, was replaced by Cumberland (the peer's home council)",
    )


# --- soft: combined authority, region, declared interest ---------------------------------------


def test_the_same_combined_authority_and_region_are_soft_conflicts():
    # Coventry and Birmingham are both in the West Midlands Combined Authority (WMCA).
    assert found(peer_from("COV"), "BIR") == [
        (
            SOFT,
            Code.SAME_COMBINED_AUTHORITY,
            "Birmingham, the host, and Coventry (the peer's home council) are both in West "
            "Midlands Combined Authority",
        ),
        (
            SOFT,
            Code.SAME_REGION,
            "Birmingham, the host, and Coventry (the peer's home council) are both in the West "
            "Midlands region",
        ),
    ]


def test_an_officer_of_the_combined_authority_has_a_soft_conflict_with_its_members():
    assert found(peer_from("WMCA"), "BIR")[0] == (
        SOFT,
        Code.SAME_COMBINED_AUTHORITY,
        "Birmingham, the host, is a member of West Midlands Combined Authority (the peer's home "
        "council)",
    )


def test_a_district_and_its_county_in_one_combined_authority_give_every_conflict_that_applies():
    # Cambridge (CAB) is a district of Cambridgeshire (CAM); both are in the CPCA.
    assert codes(peer_from("CAB"), "CAM") == [
        Code.COUNTY_OF_THEIR_DISTRICT,
        Code.SAME_COMBINED_AUTHORITY,
        Code.SAME_REGION,
    ]


def test_the_same_region_alone_is_a_soft_conflict():
    # St Albans and Ipswich: both East of England, no other link.
    assert [(s, c) for s, c, _ in found(peer_from("SAL"), "IPS")] == [(SOFT, Code.SAME_REGION)]


def test_a_declared_interest_in_the_host_is_a_soft_conflict_with_its_note():
    peer = peer_from("BIR")
    DeclaredInterest.objects.create(
        peer=peer, council=f.council("ADU"), note="my sister works there"
    )

    assert found(peer, "ADU") == [
        (
            SOFT,
            Code.DECLARED_INTEREST,
            "the peer has declared an interest in Adur, the host: my sister works there",
        )
    ]


def test_hard_conflicts_come_first():
    peer = peer_from("IPS")
    DeclaredInterest.objects.create(peer=peer, council=f.council("SFK"))

    assert [(s, c) for s, c, _ in found(peer, "SFK")] == [
        (HARD, Code.COUNTY_OF_THEIR_DISTRICT),
        (SOFT, Code.SAME_REGION),
        (SOFT, Code.DECLARED_INTEREST),
    ]


def test_a_peer_from_elsewhere_has_no_conflict():
    assert found(peer_from("BIR"), "ADU") == []
    assert found(peer_from(None), "ADU") == []


# --- many peers at once -----------------------------------------------------------------------


def make_peers(n: int) -> None:
    homes = ["IPS", "SFK", "COV", "BIR", "ADU", "CBD"]
    for i in range(n):
        peer = peer_from(homes[i % len(homes)], former={"ALL": datetime.date(2023, 3, 31)})
        DeclaredInterest.objects.create(peer=peer, council=f.council("SFK"))


@pytest.mark.parametrize("n", [6, 36])
def test_many_peers_are_checked_in_a_fixed_number_of_queries(n, django_assert_num_queries):
    make_peers(n)
    host = f.council("SFK")

    # The peers, their home councils, former councils, interests; the host's successor links.
    with django_assert_num_queries(5):
        found = conflicts_for_peers(Peer.objects.all(), host, on=VISIT)

    assert len(found) == n
    by_home = {p.council.code: found[p.pk] for p in Peer.objects.select_related("council")}
    assert by_home["IPS"][0].code == Code.COUNTY_OF_THEIR_DISTRICT
    assert by_home["SFK"][0].code == Code.HOME_COUNCIL
    assert [c.code for c in by_home["BIR"]] == [Code.DECLARED_INTEREST]


def test_peers_loaded_with_their_councils_cost_no_more_queries(django_assert_num_queries):
    make_peers(6)
    peers = list(Peer.objects.with_councils())
    host = f.council("CBD")

    with django_assert_num_queries(1):  # the host's successor links
        found = conflicts_for_peers(peers, host, on=VISIT)

    assert all(Code.SUCCESSOR in [c.code for c in found[p.pk]] for p in peers)
