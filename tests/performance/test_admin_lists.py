"""The admin's lists of big tables (core/admin_lists.py, issue 11 P3): the paginator counts
exactly what is small and estimates the rest on PostgreSQL; the sidebars have fixed choices,
so no page reads the table's distinct values; the filters still filter."""

import re

import pytest
from django.contrib import admin
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import admin_lists
from core.admin_lists import BigTableAdmin, EstimatedCountPaginator
from notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.workflow import factories as f
from workflow import actions
from workflow.models import CaseEvent, Council, PeerChallenge, State

pytestmark = pytest.mark.django_db


def _events(challenge, action: str, n: int) -> None:
    CaseEvent.objects.bulk_create(
        CaseEvent(challenge=challenge, action=action, to_state=challenge.state) for _ in range(n)
    )


def test_small_sets_are_counted_exactly_and_paged_as_django_does():
    _events(f.PeerChallengeFactory(), actions.CASE_UPDATED, 7)
    events = CaseEvent.objects.order_by("pk")

    paginator = EstimatedCountPaginator(events, 5)

    assert (paginator.count, paginator.num_pages, paginator.estimated) == (7, 2, False)
    assert list(paginator.page(2).object_list) == list(events[5:])
    with pytest.raises(EmptyPage):
        paginator.page(3)


def test_postgresql_estimates_past_the_exact_limit(postgresql_only, monkeypatch):
    monkeypatch.setattr(admin_lists, "EXACT_UP_TO", 3)
    case = f.PeerChallengeFactory()
    _events(case, actions.CASE_UPDATED, 20)
    _events(case, actions.CLOSED, 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_caseevent")  # what autovacuum keeps up to date
    events = CaseEvent.objects.order_by("pk")

    whole = EstimatedCountPaginator(events, 5)
    filtered = EstimatedCountPaginator(events.filter(action=actions.CASE_UPDATED), 5)
    few = EstimatedCountPaginator(events.filter(action=actions.CLOSED), 5)

    assert whole.estimated and whole.count == 22  # ANALYZE of a small table reads every row
    assert filtered.estimated and filtered.count >= 4  # the planner's guess, at least the limit
    assert (few.count, few.estimated) == (2, False)
    # Past the estimate a page is served (empty at worst), never cut short to fit it.
    assert len(whole.page(5).object_list) == 2
    assert list(whole.page(99).object_list) == []


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    return client


BIG_TABLES = ["workflow_peerchallenge", "workflow_caseevent", "notifications_notification"]


@pytest.mark.parametrize("changelist", BIG_TABLES)
def test_a_big_tables_page_reads_no_distinct_values(staff_client, changelist):
    case = f.PeerChallengeFactory()
    _events(case, actions.CASE_UPDATED, 3)
    NotificationFactory(challenge=case)
    assert any(
        isinstance(model_admin, BigTableAdmin) and model._meta.db_table == changelist
        for model, model_admin in admin.site._registry.items()
    )

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse(f"admin:{changelist}_changelist"))

    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    of_the_table = [s for s in sql if f'FROM "{changelist}"' in s]
    assert not [s for s in of_the_table if "DISTINCT" in s]  # date_hierarchy, default filters


COUNTS_SHOWN = re.compile(
    r'<p class="paginator">.*?</p>|<span class="(?:small quiet|all|question)[^>]*>.*?</span>', re.S
)


def _counts_shown(response) -> str:
    """Every place the changelist says how many rows there are, as text, joined by |."""
    parts = COUNTS_SHOWN.findall(response.content.decode())
    return " | ".join(" ".join(re.sub(r"<[^>]+>", "", part).split()) for part in parts)


def _emails(n: int) -> None:
    NotificationFactory.create_batch(n, challenge=f.PeerChallengeFactory())


def test_an_exact_count_reads_as_djangos(staff_client):
    _emails(60)

    shown = _counts_shown(staff_client.get(reverse("admin:notifications_notification_changelist")))

    assert "60 results (Show all)" in shown
    assert "1 2 60 notifications Show all" in shown  # the pager
    assert "All 60 selected" in shown and "Select all 60 notifications" in shown
    assert "about" not in shown


def test_an_estimated_count_says_about(staff_client, postgresql_only, monkeypatch):
    monkeypatch.setattr(admin_lists, "EXACT_UP_TO", 3)
    _emails(60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")

    response = staff_client.get(reverse("admin:notifications_notification_changelist"))
    shown = _counts_shown(response)

    assert response.context["cl"].paginator.estimated
    count = f"{response.context['cl'].result_count:,}"
    assert f"1 2 about {count} notifications Show all" in shown
    assert f"All about {count} selected" in shown
    assert f"Select all about {count} notifications" in shown
    assert "result" not in shown  # the search box's count: the estimate is said once
    assert shown.count(count) == 3


def test_the_action_checkbox_is_djangos_markup(staff_client):
    email = NotificationFactory(challenge=f.PeerChallengeFactory())

    response = staff_client.get(reverse("admin:notifications_notification_changelist"))

    assert (
        f'<input type="checkbox" name="_selected_action" value="{email.pk}" class="action-select"'
        f' aria-label="Select this object for an action - {email}">'
    ) in response.content.decode()


def test_the_fixed_sidebars_filter_as_the_defaults_did(staff_client):
    north, south = f.council("BIR"), f.council("ADU")
    Council.objects.filter(pk=north.pk).update(region="West Midlands")
    Council.objects.filter(pk=south.pk).update(region="South West")
    north.refresh_from_db()
    in_north = f.PeerChallengeFactory(host=north, state=State.CLOSED)
    f.PeerChallengeFactory(host=south, state=State.CLOSED)
    _events(in_north, actions.CLOSED, 1)
    _events(in_north, actions.CASE_UPDATED, 2)

    cases = staff_client.get(
        reverse("admin:workflow_peerchallenge_changelist"), {"host__region": north.region}
    )
    events = staff_client.get(
        reverse("admin:workflow_caseevent_changelist"), {"action": actions.CLOSED}
    )
    old_link = staff_client.get(
        reverse("admin:workflow_peerchallenge_changelist"),
        {"host__region__exact": north.region},
    )

    assert list(cases.context["cl"].result_list) == [in_north]
    assert north.region in [choice["display"] for choice in _choices(cases, "region")]
    assert [e.action for e in events.context["cl"].result_list] == [actions.CLOSED]
    assert list(old_link.context["cl"].result_list) == [in_north]
    assert PeerChallenge.objects.count() == 2


def _choices(response, title: str) -> list[dict]:
    (spec,) = [s for s in response.context["cl"].filter_specs if s.title == title]
    return list(spec.choices(response.context["cl"]))


def test_the_case_search_finds_a_council_or_a_reference_as_the_case_list_does(staff_client):
    in_birmingham = f.PeerChallengeFactory(host=f.council("BIR"))
    elsewhere = f.PeerChallengeFactory(host=f.council("ADU"))
    changelist = reverse("admin:workflow_peerchallenge_changelist")

    def found(term: str) -> list:
        return list(staff_client.get(changelist, {"q": term}).context["cl"].result_list)

    assert found("birming") == [in_birmingham]
    assert found("bir") == [in_birmingham]  # a council code, whole
    assert found(elsewhere.reference) == [elsewhere]
    assert found("x" * 201) == []  # longer than the list's search takes: nothing, not all


def test_the_outbox_search_has_a_trigram_index_per_searched_field(postgresql_only):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'notifications_notification'"
        )
        definitions = " ".join(row[0] for row in cursor.fetchall())
    for field in admin.site._registry[Notification].search_fields:
        assert f"upper(({field})::text) gin_trgm_ops" in definitions
