import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from workflow import roles
from workflow.choices import BEFORE_ONSITE, MEMBER_ROLES, REPORT_ISSUED_OR_LATER
from workflow.models import Assignment, ChallengeType, Council, Peer, PeerChallenge, State

_BEFORE_VISIT = (*BEFORE_ONSITE, State.POSTPONED, State.WITHDRAWN)
_PUBLISHED = (State.PUBLISHED, State.POST_CHALLENGE, State.CLOSED)
_AFTER_FEEDBACK = (State.REPORTING, *REPORT_ISSUED_OR_LATER)


def council(code: str = "ADU") -> Council:
    """Councils come from the register loaded by migration; tests pick real ones by code."""
    return Council.objects.get(code=code)


def challenge_type(slug: str = "corporate") -> ChallengeType:
    return ChallengeType.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-123456!")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        self.save()


def manager(**kwargs) -> User:
    return UserFactory(role=roles.MANAGER, **kwargs)


def programme_lead(**kwargs) -> User:
    return UserFactory(role=roles.PROGRAMME_LEAD, **kwargs)


def peer_user(**kwargs) -> User:
    """A logged-in peer: a user in the peer group with a Peer record."""
    user = UserFactory(role=roles.PEER, **kwargs)
    PeerFactory(user=user, name=user.username, email=user.email)
    return user


def case_payload(**overrides) -> dict:
    """The body of POST /api/challenges/ for a corporate peer challenge at Adur."""
    return {
        "host": "ADU",
        "type": "corporate",
        "onsite_start": "2026-06-01",
        "onsite_end": "2026-06-04",
        "chief_executive_name": "Chris Executive",
        "chief_executive_email": "ce@adur.example.gov.uk",
        **overrides,
    }


def api_client(user: User | None = None):
    """A DRF test client, authenticated as `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


class PeerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Peer

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"peer{n}@council.example.gov.uk")
    kind = Peer.Kind.OFFICER
    council = factory.LazyFunction(lambda: council("BIR"))
    # What the kind needs (a member's group, an officer's role), so either kind is valid.
    political_group = factory.LazyAttribute(
        lambda p: Peer.PoliticalGroup.LABOUR if p.kind == Peer.Kind.MEMBER else ""
    )
    officer_role = factory.LazyAttribute(
        lambda p: Peer.OfficerRole.CHIEF_EXECUTIVE if p.kind == Peer.Kind.OFFICER else ""
    )


def _today():
    return timezone.localdate()


class PeerChallengeFactory(factory.django.DjangoModelFactory):
    """A case ready for booking. Pass `state=` to start mid-lifecycle (a protected FSMField
    only refuses re-assignment after __init__)."""

    class Meta:
        model = PeerChallenge

    host = factory.LazyFunction(lambda: council("ADU"))
    challenge_type = factory.LazyFunction(lambda: challenge_type("corporate"))
    manager = factory.LazyFunction(manager)
    state = State.ENQUIRY
    # A case holds what its state implies (the model's rules check it on every later write):
    # visits ahead before onsite, behind after; the report and its publication once done.
    onsite_start = factory.LazyAttribute(
        lambda c: _today() + datetime.timedelta(days=60 if c.state in _BEFORE_VISIT else -40)
    )
    onsite_end = factory.LazyAttribute(lambda c: c.onsite_start + datetime.timedelta(days=3))
    feedback_date = factory.LazyAttribute(
        lambda c: min(c.onsite_end, _today()) if c.state in _AFTER_FEEDBACK else None
    )
    report_url = factory.LazyAttribute(
        lambda c: "https://example.org/report.pdf" if c.state in REPORT_ISSUED_OR_LATER else ""
    )
    report_issued_on = factory.LazyAttribute(
        lambda c: c.feedback_date if c.state in REPORT_ISSUED_OR_LATER else None
    )
    publication_url = factory.LazyAttribute(
        lambda c: "https://adur.example.gov.uk/cpc" if c.state in _PUBLISHED else ""
    )
    published_on = factory.LazyAttribute(
        lambda c: c.report_issued_on if c.state in _PUBLISHED else None
    )
    chief_executive_name = "Chris Executive"
    chief_executive_email = "chief.executive@adur.example.gov.uk"
    leader_name = "Lee Leader"
    leader_email = "leader@adur.example.gov.uk"


def scoped(challenge: PeerChallenge) -> PeerChallenge:
    """Give a case every mandatory component and a local objective."""
    challenge.scope_components = [c["code"] for c in challenge.challenge_type.mandatory_components]
    challenge.local_objectives = ["Test the medium-term financial plan"]
    challenge.save()
    return challenge


def full_team(challenge: PeerChallenge, size: int = 4) -> list[Assignment]:
    """Accepted peers meeting the type's composition rules: a lead member, a lead officer,
    officer peers. Test arrangement: written directly, not through the team's transitions."""
    roles = [Assignment.Role.LEAD_MEMBER, Assignment.Role.LEAD_OFFICER]
    roles += [Assignment.Role.OFFICER] * (size - 2)
    return [place(challenge, role=role) for role in roles]


def place(
    challenge: PeerChallenge,
    *,
    role: str = Assignment.Role.OFFICER,
    status: str = Assignment.Status.ACCEPTED,
    peer: Peer | None = None,
    **fields,
) -> Assignment:
    """A team place in `status`, holding what that status needs (a respond-by date once
    invited, a declaration once accepted, days once completed): test arrangement, written
    directly as a factory may (a protected FSMField refuses only re-assignment)."""
    kind = Peer.Kind.MEMBER if role in MEMBER_ROLES else Peer.Kind.OFFICER
    needs: dict = {}
    if status != Assignment.Status.RESERVE:
        needs |= {"invited_on": _today(), "respond_by": _today() + datetime.timedelta(days=14)}
    if status in (Assignment.Status.ACCEPTED, Assignment.Status.COMPLETED):
        needs["interests"] = "none"
    if status == Assignment.Status.COMPLETED:
        needs["days"] = Decimal("3.5")
    return Assignment.objects.create(
        challenge=challenge,
        peer=peer or PeerFactory(kind=kind),
        role=role,
        status=status,
        **{**needs, **fields},
    )


def admin_form_data(page) -> dict:
    """The change form's current values, as the browser would post them back."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()  # already prepared for the widget, as rendered
        if value is not None:
            data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[f"{inline_form.prefix}-{name}"] = value
    return data


__all__ = ["State"]
