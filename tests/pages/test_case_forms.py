"""New case and the case's edit form, through Django's test client: managers and admins only,
the same services and rules as the API (a refusal in words, bad input on its field, nothing
half-written), only what the person changed is saved, a lost race asks for a reload, user text is
escaped. And the step forms: GOV.UK's date boxes on the pages, the plain input in the admin."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

from tests.workflow import factories as f
from workflow import actions, services
from workflow.case_forms import SECTIONS
from workflow.models import CaseEvent, PeerChallenge, State

pytestmark = pytest.mark.django_db

NEW = "/cases/new/"


def edit_url(case) -> str:
    return f"/cases/{case.pk}/edit/"


def date_boxes(name: str, day: datetime.date | None) -> dict[str, str]:
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}_{box}": str(v) for box, v in zip(("day", "month", "year"), parts, strict=True)}


def new_case(**overrides) -> dict[str, str]:
    """What a manager fills in for a corporate peer challenge at Adur."""
    return {
        "host": "ADU",
        "challenge_type": "corporate",
        "parent": "",
        "chief_executive_name": "Chris Executive",
        "chief_executive_email": "ce@adur.example.gov.uk",
        "leader_name": "Lee Leader",
        "leader_email": "leader@adur.example.gov.uk",
        **date_boxes("onsite_start", datetime.date(2026, 6, 1)),
        **date_boxes("onsite_end", datetime.date(2026, 6, 4)),
        **overrides,
    }


def edit_form(client, case) -> dict:
    """The edit form as the page fills it in, ready to post back (with its version)."""
    form = client.get(edit_url(case)).context["form"]
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if name in ("onsite_start", "onsite_end", "action_plan_published_on"):
            data |= date_boxes(name, value)
        elif value is not None:
            data[name] = value
    return data


def rows() -> tuple[int, int]:
    return PeerChallenge.objects.count(), CaseEvent.objects.count()


def page(response) -> str:
    return response.content.decode()


def admin_user():
    user = f.UserFactory()
    user.groups.add(Group.objects.get_or_create(name="admin")[0])
    return user


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_user", "status"),
    [(f.manager, 200), (admin_user, 200), (f.programme_lead, 403), (f.peer_user, 403)],
    ids=["manager", "admin", "programme-lead", "peer"],
)
def test_who_may_open_a_new_case(client, make_user, status):
    client.force_login(make_user())
    before = rows()

    assert client.get(NEW).status_code == status
    assert client.post(NEW, new_case()).status_code == (302 if status == 200 else status)
    assert rows() != before if status == 200 else rows() == before


def test_anonymous_visitors_are_sent_to_sign_in(client):
    case = f.PeerChallengeFactory()
    for url in (NEW, edit_url(case)):
        for response in (client.get(url), client.post(url, new_case())):
            assert response.status_code == 302
            assert response["Location"].startswith("/sign-in/")
    assert PeerChallenge.objects.get(pk=case.pk).leader_name == "Lee Leader"


@pytest.mark.parametrize(
    ("who", "status"),
    [("programme lead", 403), ("peer on the case", 403), ("peer not on the case", 404)],
)
def test_who_may_not_edit_a_case(client, who, status):
    case = f.PeerChallengeFactory()
    user = f.programme_lead() if who == "programme lead" else f.peer_user()
    if who == "peer on the case":
        f.place(case, peer=user.peer)
    client.force_login(user)

    assert client.get(edit_url(case)).status_code == status
    assert client.post(edit_url(case), {"leader_name": "Mallory"}).status_code == status
    assert PeerChallenge.objects.get(pk=case.pk).leader_name == "Lee Leader"


def test_the_case_page_offers_the_edit_form_to_managers_of_an_open_case(client):
    case = f.PeerChallengeFactory()
    closed = f.PeerChallengeFactory(state=State.CLOSED, host=f.council("BIR"))
    link = f'href="{edit_url(case)}"'

    client.force_login(f.manager())
    assert link in page(client.get(f"/cases/{case.pk}/"))
    assert edit_url(closed) not in page(client.get(f"/cases/{closed.pk}/"))
    client.force_login(f.programme_lead())
    assert link not in page(client.get(f"/cases/{case.pk}/"))


# --- a new case ---------------------------------------------------------------------------


def test_a_manager_opens_a_case_through_the_service(client):
    user = f.manager()
    client.force_login(user)

    response = client.post(NEW, new_case())

    case = PeerChallenge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.host.code, case.challenge_type.slug, case.manager) == ("ADU", "corporate", user)
    assert (case.onsite_start, case.onsite_end) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 6, 4),
    )
    event = case.events.get()
    assert (event.action, event.actor, event.to_state) == (
        actions.CASE_CREATED,
        user,
        State.ENQUIRY,
    )
    assert f"{case.reference} opened for Adur." in page(client.get(response["Location"]))


def test_the_council_list_offers_the_current_english_councils(client):
    client.force_login(f.manager())

    host = client.get(NEW).context["form"]["host"]
    codes = [value for value, _ in host.field.widget.choices if value]

    assert len(codes) == 317
    assert "ADU" in codes and "ALL" not in codes and "ABD" not in codes


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("ALL", "Allerdale no longer exists: a peer challenge needs a current English council"),
        ("ABD", "Aberdeenshire is not an English council"),
    ],
    ids=["abolished", "scottish"],
)
def test_a_council_that_cannot_host_gets_the_services_reason(client, code, why):
    client.force_login(f.manager())
    before = rows()

    response = client.post(NEW, new_case(host=code))  # not in the list: a crafted request

    assert response.status_code == 200
    assert why in response.context["form"].errors["host"][0]
    assert 'class="govuk-error-summary"' in page(response)
    assert "<title>Error:" in page(response)
    assert rows() == before


# What a manager got wrong: the field it is about, and (part of) what the page says.
BAD_INPUT = {
    "no-council": ({"host": ""}, "host", "Select the council"),
    "unknown-council": ({"host": "ZZZ"}, "host", "Select a valid choice."),
    "unknown-type": ({"challenge_type": "teleport"}, "challenge_type", "Select a valid choice."),
    "bad-email": ({"chief_executive_email": "x"}, "chief_executive_email", "valid email"),
    "impossible-date": ({"onsite_start_day": "31", "onsite_start_month": "2"}, "onsite_start",
        "Enter a valid date."),
    "ends-before-it-starts": (date_boxes("onsite_end", datetime.date(2026, 5, 30)), "onsite_end",
        "must not be before the onsite start (1 June 2026)"),
    "unknown-parent": ({"parent": "PC-99999"}, "parent", "There is no case PC-99999"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys()
)
def test_bad_input_is_a_field_error_and_writes_nothing(client, overrides, field, message):
    client.force_login(f.manager())
    before = rows()

    response = client.post(NEW, new_case(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'href="#{response.context["form"][field].govuk_anchor}"' in page(response)
    assert rows() == before


def test_a_follow_up_of_another_councils_case_is_refused_on_its_field(client):
    parent = f.PeerChallengeFactory(state=State.PUBLISHED, host=f.council("BIR"))
    client.force_login(f.manager())
    before = rows()

    response = client.post(NEW, new_case(challenge_type="follow-up", parent=parent.reference))

    assert (
        f"{parent.reference} is a case for Birmingham, not Adur"
        in (response.context["form"].errors["parent"][0])
    )
    assert rows() == before


def test_a_second_open_case_is_refused_with_a_link_to_the_open_one(client):
    open_case = f.PeerChallengeFactory()
    client.force_login(f.manager())
    before = rows()

    response = client.post(NEW, new_case())

    html = page(response)
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html and "<title>Error: New case" in html
    assert (
        f'Adur already has an open Corporate peer challenge (<a class="govuk-link" '
        f'href="/cases/{open_case.pk}/">{open_case.reference}</a>): carry on with it'
    ) in html
    assert rows() == before


# --- editing ------------------------------------------------------------------------------


def test_the_edit_form_offers_what_the_service_lets_a_manager_edit():
    assert {n for _, names in SECTIONS for n in names} == (
        services.EDITABLE_FIELDS | services.ENQUIRY_ONLY_FIELDS
    )


def test_who_and_what_the_case_is_about_change_only_while_it_is_an_enquiry(client):
    client.force_login(f.manager())
    enquiry = f.PeerChallengeFactory()
    booked = f.PeerChallengeFactory(state=State.BOOKED, host=f.council("BIR"))

    assert {"host", "challenge_type", "parent"} <= set(
        client.get(edit_url(enquiry)).context["form"].fields
    )
    assert not {"host", "challenge_type", "parent"} & set(
        client.get(edit_url(booked)).context["form"].fields
    )


def test_an_edit_saves_only_what_changed(client):
    case = f.PeerChallengeFactory(state=State.BOOKED)
    user = f.manager()
    client.force_login(user)
    data = edit_form(client, case)
    start = case.onsite_start + datetime.timedelta(days=7)
    data |= date_boxes("onsite_start", start) | date_boxes("onsite_end", start)
    data |= {
        "leader_name": "Lee O'Leader",
        "scope_components": ["local-context", "financial-planning"],
        "local_objectives": "Test the budget\n\n  Grow the local economy  \n",
    }

    response = client.post(edit_url(case), data)

    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert (case.onsite_start, case.onsite_end, case.leader_name) == (start, start, "Lee O'Leader")
    assert case.scope_components == ["local-context", "financial-planning"]
    assert case.local_objectives == ["Test the budget", "Grow the local economy"]
    event = case.events.get()
    assert (event.action, event.actor) == (actions.CASE_UPDATED, user)
    assert set(event.data) == {
        "onsite_start", "onsite_end", "leader_name", "scope_components", "local_objectives",
    }  # fmt: skip


def test_an_edit_that_changes_nothing_writes_nothing(client):
    case = f.PeerChallengeFactory()
    client.force_login(f.manager())

    response = client.post(edit_url(case), edit_form(client, case))

    assert response.status_code == 302
    assert not case.events.exists()


def test_the_enquiry_may_move_to_another_council(client):
    case = f.PeerChallengeFactory()
    client.force_login(f.manager())

    client.post(edit_url(case), edit_form(client, case) | {"host": "BIR"})

    assert PeerChallenge.objects.get(pk=case.pk).host.code == "BIR"


def test_a_rule_of_the_model_is_an_error_on_its_field(client):
    case = f.PeerChallengeFactory()
    client.force_login(f.manager())
    data = edit_form(client, case) | date_boxes(
        "onsite_end", case.onsite_start - datetime.timedelta(days=1)
    )

    response = client.post(edit_url(case), data)

    assert response.status_code == 200
    assert response.context["form"].errors["onsite_end"] == [
        f"must not be before the onsite start ({case.onsite_start:%-d %B %Y})"
    ]
    assert 'href="#id_onsite_end_0"' in page(response)  # the summary links to the day box
    assert PeerChallenge.objects.get(pk=case.pk).onsite_end == case.onsite_end
    assert not case.events.exists()


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN])
def test_a_closed_or_withdrawn_case_takes_no_edits(client, state):
    case = f.PeerChallengeFactory(state=state)
    client.force_login(f.manager())

    shown = client.get(edit_url(case))
    posted = client.post(edit_url(case), {"leader_name": "Mallory"})

    for response in (shown, posted):
        assert response.status_code == 200
        assert f"a {state.label.lower()} case cannot be edited" in page(response)
        assert '<form method="post" novalidate>' not in page(response)
    assert PeerChallenge.objects.get(pk=case.pk).leader_name == "Lee Leader"


def test_a_case_changed_since_the_form_was_shown_is_not_saved_over(client):
    case = f.PeerChallengeFactory()
    client.force_login(f.manager())
    data = edit_form(client, case)
    services.challenge_update(challenge=case, actor=None, changes={"leader_name": "Someone Else"})

    response = client.post(edit_url(case), data | {"chief_executive_name": "Chris New"})

    html = page(response)
    assert "This case changed while you were editing: reload" in html
    assert 'id="changed-meanwhile"' in html
    case.refresh_from_db()
    assert (case.leader_name, case.chief_executive_name) == ("Someone Else", "Chris Executive")


def test_a_step_racing_the_save_says_reload(client, monkeypatch):
    case = f.PeerChallengeFactory()
    client.force_login(f.manager())
    data = edit_form(client, case) | {"leader_name": "Lee New"}

    def lose_the_race(**kwargs):
        raise ConcurrentTransition("the state moved")

    monkeypatch.setattr(services, "challenge_update", lose_the_race)

    response = client.post(edit_url(case), data)

    assert "This case changed while you were editing: reload" in page(response)
    assert PeerChallenge.objects.get(pk=case.pk).leader_name == "Lee Leader"


# --- user text ----------------------------------------------------------------------------


def test_names_people_typed_are_escaped_on_the_case_page(client):
    client.force_login(f.manager())
    client.post(
        NEW, new_case(chief_executive_name="<script>alert(1)</script>", leader_name="O'Brien")
    )
    case = PeerChallenge.objects.get()

    html = page(client.get(f"/cases/{case.pk}/"))

    assert case.chief_executive_name == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "O&#x27;Brien" in html and "O'Brien" not in html


def test_a_refusal_is_escaped_around_the_case_it_links():
    from workflow.templatetags.case_editing import link_case_references

    html = link_case_references("<b>PC-00007</b> & PC-7x")

    assert html == (
        '&lt;b&gt;<a class="govuk-link" href="/cases/7/">PC-00007</a>&lt;/b&gt; &amp; PC-7x'
    )


# --- dates on the step forms --------------------------------------------------------------


def test_a_step_page_asks_for_a_date_in_day_month_and_year_boxes(client):
    case = f.PeerChallengeFactory(state=State.ONSITE)
    client.force_login(f.manager())
    today = timezone.localdate()

    html = page(client.get(f"/cases/{case.pk}/steps/record_feedback/"))
    response = client.post(
        f"/cases/{case.pk}/steps/record_feedback/", date_boxes("feedback_date", today)
    )

    assert 'name="feedback_date_day"' in html and 'class="govuk-date-input"' in html
    assert response.status_code == 302
    assert PeerChallenge.objects.get(pk=case.pk).feedback_date == today


def test_the_admins_step_form_keeps_its_plain_date_input(admin_client):
    case = f.PeerChallengeFactory(state=State.ONSITE)
    url = reverse("admin:workflow_peerchallenge_transition", args=[case.pk, "record_feedback"])
    today = timezone.localdate()

    html = page(admin_client.get(url))
    response = admin_client.post(url, {"feedback_date": today.isoformat()})

    assert 'name="feedback_date"' in html and "feedback_date_day" not in html
    assert response.status_code == 302
    assert PeerChallenge.objects.get(pk=case.pk).state == State.REPORTING
