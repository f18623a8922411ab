"""UK GDPR: erase a person (peer or council contact) while the programme's figures stay, export
everything held about a person, and apply the retention periods (settings.RETENTION).

It reads across workflow, surveys and notifications, hence `reports`. Writes use `.update()`:
erasure must not be refused by the rules a live case checks (a booked case needs its contacts).

Audit: a CaseEvent on every case a change touches (the timeline says what happened, never to
whom); what touches no case (a peer on no team, an outbox row of no case, a subject-access
export) goes to the "peerchallenge.audit" logger, as the models hold no other audit table.
"""

import datetime
import logging
from collections import Counter
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from notifications.models import Notification
from reports import actions
from reports.free_text_erasure import erase_names
from reports.models import GoodPractice
from surveys.models import Answer, SurveyInvitation
from workflow.audit import record_event
from workflow.models import (
    Assignment,
    AvailabilityAnswer,
    CalendarFeed,
    CaseEvent,
    DeclaredInterest,
    PeerChallenge,
    PeerFormerCouncil,
    Specialism,
)
from workflow.models.peers import Peer

audit_log = logging.getLogger("peerchallenge.audit")

ANONYMISED = "Anonymised"
TERMINAL = ("closed", "withdrawn")


def _placeholder(kind: str, pk: int) -> str:
    # Unique per row: the outbox's duplicate guard and Peer.email are unique keys.
    return f"anonymised-{kind}-{pk}@anonymised.invalid"


def _note_on_cases(counts: Counter, action: str, actor, what: dict[int, dict]) -> None:
    for challenge in PeerChallenge.objects.filter(pk__in=counts):
        record_event(
            challenge=challenge,
            action=action,
            from_state=challenge.state,
            actor=actor,
            data={"rows": counts[challenge.pk], **what.get(challenge.pk, {})},
        )


@transaction.atomic
def anonymise_person(*, email: str, actor=None) -> dict[str, int]:
    """Replace a person's name, email and identifying free text wherever they are held, keeping
    team places (role, status, days), survey choices and outbox rows (status, dates) so every
    figure stays; delete their sign-in records; then replace their name and email wherever
    free text mentions them (reports/free_text_erasure.py). Returns the rows changed by kind.
    An unknown email changes nothing."""
    email = email.strip()
    changed: Counter = Counter()
    per_case: Counter = Counter()
    names, connected = _names_and_cases(email)
    accounts = get_user_model().objects.filter(
        Q(email__iexact=email) | Q(peer__email__iexact=email)
    )
    sign_ins = Q(username__in=_sign_in_usernames(accounts, email)) | Q(username__iexact=email)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        changed["sign-in records"] += model.objects.filter(sign_ins).delete()[0]

    for peer in Peer.objects.select_for_update().filter(email__iexact=email):
        places = Assignment.objects.filter(peer=peer)
        per_case.update(places.values_list("challenge_id", flat=True))
        # A completed place needs a declaration (a database constraint): say it was removed.
        changed["team places"] += places.exclude(interests="").update(interests=ANONYMISED)
        places.update(decline_note="")
        DeclaredInterest.objects.filter(peer=peer).update(note="")
        Peer.objects.filter(pk=peer.pk).update(
            name=f"{ANONYMISED} peer {peer.pk}",
            email=_placeholder("peer", peer.pk),
            job_title="",
            political_group="",  # a political opinion: special category data
        )
        if peer.user_id:
            user = get_user_model().objects.get(pk=peer.user_id)
            user.username, user.email = f"anonymised-{user.pk}", ""
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        changed["peers"] += 1

    for field in ("chief_executive", "leader"):
        cases = PeerChallenge.objects.filter(**{f"{field}_email__iexact": email})
        per_case.update(cases.values_list("pk", flat=True))
        changed["case contacts"] += cases.update(
            **{f"{field}_name": ANONYMISED, f"{field}_email": ""}
        )

    invitations = SurveyInvitation.objects.filter(recipient_email__iexact=email)
    per_case.update(invitations.values_list("challenge_id", flat=True))
    # Choices stay (the results count them); free text may name the respondent.
    changed["survey answers"] += Answer.objects.filter(invitation__in=invitations).update(text="")
    changed["survey invitations"] += invitations.update(recipient_name="", recipient_email="")

    for row in Notification.objects.filter(recipient_email__iexact=email).only("pk", "challenge"):
        Notification.objects.filter(pk=row.pk).update(
            recipient_email=_placeholder("email", row.pk), recipient_name="", context={}
        )
        changed["emails"] += 1
        if row.challenge_id:
            per_case[row.challenge_id] += 1

    # Last, so that what was copied or written about them goes too (their name in another
    # peer's note, an event's reason, a good practice drawn from their answer).
    where: dict[int, set[str]] = {}
    changed["free text"] += erase_names(names | {email}, connected, per_case, where)
    free_text = {pk: {"free text": sorted(labels)} for pk, labels in where.items()}
    _note_on_cases(per_case, actions.PERSON_ANONYMISED, actor, free_text)
    audit_log.info(
        "person anonymised",
        extra={"actor": getattr(actor, "pk", None), "rows": dict(changed)},
    )
    return dict(changed)


def _names_and_cases(email: str) -> tuple[set[str], set[int]]:
    """The names this person is held under (as a peer, an account, a council contact, a survey
    or email recipient) and the cases they are connected to, read before anything changes."""
    names: set[str] = set()
    cases: set[int] = set()
    for peer in Peer.objects.filter(email__iexact=email).select_related("user"):
        names.add(peer.name)
        if peer.user is not None:
            names.add(peer.user.get_full_name())
        cases.update(Assignment.objects.filter(peer=peer).values_list("challenge_id", flat=True))
    for user in get_user_model().objects.filter(email__iexact=email):
        names.add(user.get_full_name())
    for field in ("chief_executive", "leader"):
        contact = PeerChallenge.objects.filter(**{f"{field}_email__iexact": email})
        for pk, name in contact.values_list("pk", f"{field}_name"):
            cases.add(pk)
            names.add(name)
    for model in (SurveyInvitation, Notification):
        rows = model.objects.filter(recipient_email__iexact=email)
        for case_id, name in rows.values_list("challenge_id", "recipient_name"):
            names.add(name)
            if case_id is not None:
                cases.add(case_id)
    return {n for n in names if n and n != ANONYMISED}, cases


def _sign_in_usernames(users, email: str) -> list[str]:
    # The lockout records the username as typed: theirs, or their email address.
    return [*users.values_list("username", flat=True), email]


def _sign_in_records(users, email: str) -> dict[str, list[dict]]:
    """The lockout's records of their sign-ins (addresses and browsers): never what was typed
    as the password (axes masks it) nor a session's key."""
    names = Q(username__in=_sign_in_usernames(users, email)) | Q(username__iexact=email)
    fields = ("username", "ip_address", "user_agent", "path_info", "attempt_time")
    return {
        "failed_attempts": list(
            AccessAttempt.objects.filter(names).values(*fields, "failures_since_start")
        ),
        "failures": list(AccessFailureLog.objects.filter(names).values(*fields, "locked_out")),
        "sign_ins": list(AccessLog.objects.filter(names).values(*fields, "logout_time")),
    }


def subject_access(*, email: str) -> dict[str, Any]:
    """Everything held about the person with this email, as JSON-ready data (the outbox's
    rendering context is left out: it may hold other people's data and link secrets)."""
    email = email.strip()
    peers = Peer.objects.filter(email__iexact=email).select_related("user", "council")
    users = get_user_model().objects.filter(Q(email__iexact=email) | Q(peer__in=peers))
    contact = Q(chief_executive_email__iexact=email) | Q(leader_email__iexact=email)
    invitations = SurveyInvitation.objects.filter(recipient_email__iexact=email)
    data = {
        "email": email,
        "exported_at": timezone.now(),
        "accounts": list(
            users.values(
                "username", "first_name", "last_name", "email", "date_joined", "last_login"
            )
        ),
        "peer_records": list(
            peers.values(
                "id",
                "name",
                "email",
                "kind",
                "council__name",
                "political_group",
                "officer_role",
                "job_title",
            )
        ),
        "declared_interests": list(
            DeclaredInterest.objects.filter(peer__in=peers).values("council__name", "note")
        ),
        "team_places": list(
            Assignment.objects.filter(peer__in=peers).values(
                "challenge_id",
                "challenge__host__name",
                "role",
                "status",
                "invited_on",
                "respond_by",
                "interests",
                "decline_reason",
                "decline_note",
                "override_reason",
                "overridden_at",
                "days",
            )
        ),
        "former_councils": list(
            PeerFormerCouncil.objects.filter(peer__in=peers).values("council__name", "until")
        ),
        "specialisms": sorted(
            Specialism.objects.filter(peers__in=peers).values_list("name", flat=True).distinct()
        ),
        "availability_answers": list(
            AvailabilityAnswer.objects.filter(assignment__peer__in=peers).values(
                "assignment__challenge_id", "option__start", "option__end", "answer", "answered_at"
            )
        ),
        # When the private feed was made or revoked; never its secret.
        "calendar_feeds": list(
            CalendarFeed.objects.filter(user__in=users).values("created_at", "revoked_at")
        ),
        "sign_in_records": _sign_in_records(users, email),
        "cases_managed": list(
            PeerChallenge.objects.filter(manager__in=users).values_list("pk", flat=True)
        ),
        "actions_recorded": list(
            CaseEvent.objects.filter(actor__in=users).values("challenge_id", "action", "created_at")
        ),
        "case_contacts": list(
            PeerChallenge.objects.filter(contact).values(
                "id",
                "host__name",
                "chief_executive_name",
                "chief_executive_email",
                "leader_name",
                "leader_email",
            )
        ),
        "survey_invitations": [
            {
                **row,
                "answers": list(
                    Answer.objects.filter(invitation_id=row["id"]).values(
                        "question__key", "choice", "choices", "text"
                    )
                ),
            }
            for row in invitations.values(
                "id",
                "challenge_id",
                "questionnaire__kind",
                "respondent",
                "recipient_name",
                "recipient_email",
                "status",
                "sent_at",
                "completed_at",
            )
        ],
        "good_practice_from_their_answers": list(
            GoodPractice.objects.filter(survey_answer__invitation__in=invitations).values(
                "id", "title", "summary", "status"
            )
        ),
        "emails": list(
            Notification.objects.filter(recipient_email__iexact=email).values(
                "id",
                "kind",
                "challenge_id",
                "recipient_name",
                "recipient_email",
                "status",
                "due_on",
                "created_at",
                "sent_at",
            )
        ),
    }
    audit_log.info(
        "subject access export",
        extra={"found": {k: len(v) for k, v in data.items() if isinstance(v, list)}},
    )
    return data


def _cutoff(days: int, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=days)


@transaction.atomic
def apply_retention(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove what is past its retention period (settings.RETENTION, in days):
    survey free text, and good practice drafts copied from it, after SURVEY_FREE_TEXT_DAYS
    from completion; a finished (closed or
    withdrawn) case's contact details and its survey recipients after CONTACT_DETAILS_DAYS
    from its last event; sent or failed outbox rows after OUTBOX_DAYS. The one path that
    deletes outbox rows. Idempotent: a second run finds nothing."""
    now = now or timezone.now()
    periods = settings.RETENTION
    per_case: Counter = Counter()
    what: dict[int, dict] = {}

    def note(rows, key: str) -> None:
        for pk in rows:
            per_case[pk] += 1
            what.setdefault(pk, {}).setdefault("removed", [])
            if key not in what[pk]["removed"]:
                what[pk]["removed"].append(key)

    old_text = Answer.objects.exclude(text="").filter(
        invitation__completed_at__lt=_cutoff(periods["SURVEY_FREE_TEXT_DAYS"], now)
    )
    note(old_text.values_list("invitation__challenge_id", flat=True), "survey free text")
    texts = old_text.update(text="")
    # A draft drawn from an answer is a copy of that free text nobody has yet taken on as the
    # council's own: it goes with it. Approved or published, it is the council's text and
    # stays (anonymise_person still removes a name from it).
    stale_drafts = GoodPractice.objects.filter(
        source=GoodPractice.Source.SURVEY,
        status=GoodPractice.Status.DRAFT,
        survey_answer__invitation__completed_at__lt=_cutoff(periods["SURVEY_FREE_TEXT_DAYS"], now),
    )
    note(
        stale_drafts.exclude(challenge=None).values_list("challenge_id", flat=True),
        "good practice drafts",
    )
    drafts, _ = stale_drafts.delete()

    finished = (
        PeerChallenge.objects.filter(state__in=TERMINAL)
        .annotate(last=Max("events__created_at"))
        .filter(last__lt=_cutoff(periods["CONTACT_DETAILS_DAYS"], now))
    )
    with_contacts = finished.exclude(
        chief_executive_email="", leader_email="", chief_executive_name="", leader_name=""
    )
    pks = list(with_contacts.values_list("pk", flat=True))
    note(pks, "contact details")
    contacts = PeerChallenge.objects.filter(pk__in=pks).update(
        chief_executive_name="", chief_executive_email="", leader_name="", leader_email=""
    )
    recipients = SurveyInvitation.objects.filter(challenge__in=finished).exclude(
        recipient_name="", recipient_email=""
    )
    note(recipients.values_list("challenge_id", flat=True), "survey recipients")
    recipient_rows = recipients.update(recipient_name="", recipient_email="")

    old_outbox = Notification.objects.filter(
        status__in=(Notification.Status.SENT, Notification.Status.FAILED),
        created_at__lt=_cutoff(periods["OUTBOX_DAYS"], now),
    )
    note(old_outbox.exclude(challenge=None).values_list("challenge_id", flat=True), "emails")
    emails, _ = old_outbox.delete()

    _note_on_cases(per_case, actions.RETENTION_APPLIED, None, what)
    removed = {
        "survey free text": texts,
        "good practice drafts": drafts,
        "case contacts": contacts,
        "survey recipients": recipient_rows,
        "emails": emails,
    }
    audit_log.info("retention applied", extra={"rows": removed})
    return removed
