"""Good practice: FB10 answers become drafts by the sweep (once each, however often it runs),
managers add their own from the case, the machine draft → approved → published with its
audit rows, the search by theme, council and words, and the pages per role."""

import datetime
import io

import pytest
from django.core.management import call_command

from core.errors import InvalidInput, Refused
from reports import actions
from reports.good_practice import (
    draft_good_practice_from_surveys,
    good_practice_add,
    good_practice_approve,
    good_practice_edit,
    good_practice_from_answer,
    good_practice_publish,
)
from reports.models import GoodPractice, Theme
from reports.tasks import draft_good_practice
from surveys.models import Answer, Question
from tests.surveys.results_data import CE, LEADER, SENT, invitation
from tests.workflow import factories as f
from workflow.models import CaseEvent, State

pytestmark = pytest.mark.django_db

PRACTICE = "Our shared-services hub with two neighbouring districts saved £1.2m a year."


def _fb10(case, respondent, choice, text="", status="completed") -> Answer:
    sent = invitation(case, "feedback", respondent, status=status, sent=datetime.date(2017, 6, 1))
    question = Question.objects.get(questionnaire=sent.questionnaire, key="FB10")
    return Answer.objects.create(invitation=sent, question=question, choice=choice, text=text)


@pytest.fixture
def case():
    return f.PeerChallengeFactory(state=State.REPORT_ISSUED)


def test_a_yes_with_words_becomes_one_draft_however_often_the_sweep_runs(case):
    answer = _fb10(case, CE, "yes", PRACTICE)
    _fb10(case, LEADER, "no")
    assert draft_good_practice_from_surveys() == 1
    assert draft_good_practice_from_surveys() == 0
    call_command("draft_good_practice", stdout=io.StringIO())
    assert draft_good_practice() == 0
    practice = GoodPractice.objects.get()
    assert practice.survey_answer == answer
    assert (practice.status, practice.source) == ("draft", "survey")
    assert (practice.council, practice.challenge) == (case.host, case)
    assert practice.summary == PRACTICE
    assert practice.title.startswith("Adur: Our shared-services hub")
    event = CaseEvent.objects.get(challenge=case, action=actions.GOOD_PRACTICE_DRAFTED)
    assert event.actor is None
    assert event.data["from"] == "the chief executive's FB10"


def test_a_second_draft_for_the_same_answer_is_not_made(case):
    answer = _fb10(case, CE, "yes", PRACTICE)
    assert good_practice_from_answer(answer=answer) is not None
    assert good_practice_from_answer(answer=answer) is None  # the unique answer holds
    assert GoodPractice.objects.count() == 1
    assert CaseEvent.objects.filter(action=actions.GOOD_PRACTICE_DRAFTED).count() == 1


@pytest.mark.parametrize(
    ("choice", "text", "status"),
    [("no", "", "completed"), ("yes", "", "completed"), ("yes", PRACTICE, SENT)],
)
def test_no_draft_without_a_completed_yes_and_its_words(case, choice, text, status):
    _fb10(case, CE, choice, text, status)
    assert draft_good_practice_from_surveys() == 0
    assert not GoodPractice.objects.exists()


def test_a_long_answer_makes_a_short_title(case):
    _fb10(case, CE, "yes", "word " * 300)
    draft_good_practice_from_surveys()
    practice = GoodPractice.objects.get()
    assert len(practice.title) <= len("Adur: ") + 80
    assert practice.title.endswith("…")


def test_a_manager_adds_their_own(case):
    actor = f.manager()
    practice = good_practice_add(
        case=case,
        data={
            "title": "Member development",
            "summary": "A mentoring scheme",
            "theme": "member-development",
        },
        actor=actor,
    )
    assert (practice.source, practice.status, practice.created_by) == ("manager", "draft", actor)
    assert practice.theme == Theme.objects.get(slug="member-development")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "summary": "x"}, "title"),
        ({"title": "t" * 201, "summary": "x"}, "title"),
        ({"title": "x", "summary": " "}, "summary"),
        ({"title": "x", "summary": "x", "theme": "no-such-theme"}, "theme"),
    ],
)
def test_bad_input_names_its_field(case, data, field):
    with pytest.raises(InvalidInput) as raised:
        good_practice_add(case=case, data=data, actor=None)
    assert field in raised.value.errors
    assert not GoodPractice.objects.exists()


def test_before_the_visit_it_is_refused():
    with pytest.raises(Refused):
        good_practice_add(
            case=f.PeerChallengeFactory(state=State.BOOKED),
            data={"title": "x", "summary": "x"},
            actor=None,
        )


def test_the_machine_with_its_audit_rows(case):
    practice = good_practice_add(case=case, data={"title": "x", "summary": "y"}, actor=None)
    with pytest.raises(Refused):
        good_practice_publish(practice=practice, actor=None)  # not approved yet
    practice = good_practice_edit(
        practice=practice,
        data={"title": "Hub", "summary": "y", "theme": "partnerships"},
        actor=None,
    )
    practice = good_practice_approve(practice=practice, actor=None)
    assert practice.status == "approved"
    with pytest.raises(Refused):
        good_practice_approve(practice=practice, actor=None)
    with pytest.raises(Refused):
        good_practice_edit(practice=practice, data={"title": "New", "summary": "y"}, actor=None)
    practice = good_practice_publish(practice=practice, actor=None)
    assert practice.status == "published"
    practice.refresh_from_db()
    assert (practice.status, practice.title) == ("published", "Hub")
    assert list(
        CaseEvent.objects.filter(challenge=case, action__startswith="reports.good_practice")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        actions.GOOD_PRACTICE_DRAFTED,
        actions.GOOD_PRACTICE_CHANGED,
        actions.GOOD_PRACTICE_APPROVED,
        actions.GOOD_PRACTICE_PUBLISHED,
    ]


def test_publishing_needs_a_theme(case):
    practice = good_practice_add(case=case, data={"title": "x", "summary": "y"}, actor=None)
    practice = good_practice_approve(practice=practice, actor=None)
    with pytest.raises(Refused) as refused:
        good_practice_publish(practice=practice, actor=None)
    assert "theme" in refused.value.unmet[0]


# --- search and pages ----------------------------------------------------------------------


def _example(code: str, title: str, theme: str | None, status: str, summary: str = "x"):
    return GoodPractice.objects.create(
        title=title,
        summary=summary,
        council=f.council(code),
        theme=Theme.objects.get(slug=theme) if theme else None,
        source="manager",
        status=status,
    )


@pytest.fixture
def examples():
    return {
        "hub": _example("ADU", "Shared services hub", "new-delivery-models", "published"),
        "scrutiny": _example("BIR", "Scrutiny reset", "scrutiny", "published", "A new committee"),
        "draft": _example("BIR", "Digital by default", "digital-strategy", "draft"),
        "approved": _example("ADU", "Apprenticeships", "workforce", "approved"),
    }


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"/reports/good-practice/{query}")
    assert response.status_code == 200
    return sorted(p.title for p in response.context["page"].object_list)


def test_everyone_signed_in_finds_published_ones_only(client, examples):
    client.force_login(f.peer_user())
    assert _titles(client) == ["Scrutiny reset", "Shared services hub"]
    assert _titles(client, "?theme=scrutiny") == ["Scrutiny reset"]
    assert _titles(client, "?council=ADU") == ["Shared services hub"]
    assert _titles(client, "?q=committee") == ["Scrutiny reset"]
    assert _titles(client, "?q=birmingham") == ["Scrutiny reset"]
    assert client.get(f"/reports/good-practice/{examples['hub'].pk}/").status_code == 200
    assert client.get(f"/reports/good-practice/{examples['draft'].pk}/").status_code == 404


def test_managers_see_drafts_and_filter_by_status(client, examples):
    client.force_login(f.manager())
    assert len(_titles(client)) == 4
    assert _titles(client, "?status=draft") == ["Digital by default"]
    assert _titles(client, "?council=ADU&status=approved") == ["Apprenticeships"]


def test_a_bad_filter_is_a_form_error(client, examples):
    client.force_login(f.manager())
    for query in ["?theme=nonsense", "?council=ZZZ", "?status=lost", "?colour=red"]:
        response = client.get(f"/reports/good-practice/{query}")
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode(), query
    client.force_login(f.peer_user())  # a peer's form has no status filter
    assert (
        "There is a problem" in client.get("/reports/good-practice/?status=draft").content.decode()
    )


def test_a_manager_moves_an_example_on_through_the_pages(client, examples):
    draft = examples["draft"]
    client.force_login(f.manager())
    assert (
        client.post(
            f"/reports/good-practice/{draft.pk}/edit/", {"title": "", "summary": "y"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/reports/good-practice/{draft.pk}/edit/",
            {"title": "Digital first", "summary": "y", "theme": "digital-strategy"},
        ).status_code
        == 302
    )
    assert client.post(f"/reports/good-practice/{draft.pk}/approve/").status_code == 302
    assert client.post(f"/reports/good-practice/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Digital first", "published")
    # Publishing again is refused, in words, and changes nothing.
    response = client.post(f"/reports/good-practice/{draft.pk}/publish/", follow=True)
    assert "Only an example the council approved is published" in response.content.decode()
    assert client.get(f"/reports/good-practice/{draft.pk}/edit/").status_code == 409


def test_others_may_not_move_it(client, examples):
    draft = examples["draft"]
    for user in [f.programme_lead(), f.peer_user()]:
        client.force_login(user)
        assert client.post(f"/reports/good-practice/{draft.pk}/approve/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_manager_adds_one_from_the_case_page(client, case):
    client.force_login(f.manager())
    assert 'data-testid="add-good-practice"' in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(
        f"/reports/cases/{case.pk}/good-practice/new/",
        {"title": "Hub", "summary": "What it is", "theme": "partnerships"},
    )
    practice = GoodPractice.objects.get()
    assert response.url == f"/reports/good-practice/{practice.pk}/"
    assert (practice.challenge, practice.council) == (case, case.host)


def test_the_case_panel_shows_drafts_to_managers_only(client, case):
    _fb10(case, CE, "yes", PRACTICE)
    draft_good_practice_from_surveys()
    published = good_practice_add(
        case=case, data={"title": "Hub", "summary": "y", "theme": "partnerships"}, actor=None
    )
    good_practice_publish(
        practice=good_practice_approve(practice=published, actor=None), actor=None
    )
    client.force_login(f.manager())
    panel = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Adur: Our shared-services hub" in panel and ">Hub</a>" in panel
    client.force_login(f.programme_lead())
    panel = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Adur: Our shared-services hub" not in panel  # the council's survey answer
    assert ">Hub</a>" in panel
    assert 'data-testid="add-good-practice"' not in panel


@pytest.mark.parametrize(
    ("value", "choices"),
    [
        ("b&c", [("", "Any"), ("a", "Adur"), ("b&c", 'Bury "St" <Edmunds>')]),
        ("", [("", "Any"), ("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")]),
        (None, [(1, "One"), (2, "Two")]),
    ],
)
def test_the_search_forms_selects_draw_what_djangos_select_draws(value, choices):
    """PlainSelect (drawn in Python for speed) gives the markup Django's Select template
    gives, whitespace between tags aside: escaping, optgroups, the chosen option."""
    import re

    from django import forms

    from reports.good_practice_pages import PlainSelect

    attrs = {"id": "id_council", "class": "govuk-select", "aria-invalid": "true"}
    plain = PlainSelect(choices=choices).render("council", value, attrs=attrs)
    django = forms.Select(choices=choices).render("council", value, attrs=attrs)
    assert re.sub(r">\s+<", "><", django).strip() == str(plain)
