"""Good practice (DOMAIN.md §8): candidates from the councils' FB10 answers and the managers'
own, moved draft → approved by the council → published, each write audited on its case.

FB10 answers become candidates by a daily sweep (`draft_good_practice_from_surveys`), not a
reaction to the survey's completion: imported survey answers fire no reactions, and a hiccup
here must not undo a respondent's submission. The sweep is idempotent: one candidate per
answer (GoodPractice.survey_answer is unique), a racing sweep's duplicate is skipped."""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from core.errors import InvalidInput, Refused
from reports.actions import (
    GOOD_PRACTICE_APPROVED,
    GOOD_PRACTICE_CHANGED,
    GOOD_PRACTICE_DRAFTED,
    GOOD_PRACTICE_PUBLISHED,
)
from reports.models import GoodPractice, Theme
from surveys.models import Answer, InvitationStatus
from workflow.audit import record_event
from workflow.choices import REPORT_ISSUED_OR_LATER, State
from workflow.models import PeerChallenge

logger = logging.getLogger(__name__)

FB10 = "FB10"
YES = "yes"
MAX_TITLE = 200
MAX_SUMMARY = 5000
# The peer team meets the practice on site: a manager records it from the visit on.
MAY_ADD = (State.ONSITE, State.REPORTING, *REPORT_ISSUED_OR_LATER)
TITLE_WORDS = 80  # characters of the answer a candidate's title takes


def may_add_good_practice(case: PeerChallenge) -> bool:
    return case.state in MAY_ADD


def _audit(practice: GoodPractice, action: str, actor, data: dict | None = None) -> None:
    if practice.challenge_id is None:
        return  # an example kept after its case went: nothing to put on a timeline
    case = practice.challenge
    assert case is not None
    record_event(
        challenge=case,
        action=action,
        from_state=case.state,
        actor=actor,
        data={**_named(practice), "status": practice.get_status_display(), **(data or {})},
    )


def _named(practice: GoodPractice) -> dict[str, str]:
    """The title for the timeline, which programme leads and the team read too: not for a
    draft from a survey, whose title is the council's answer (per-council answers are for
    managers only, DESIGN.md §5)."""
    if practice.source == GoodPractice.Source.SURVEY:
        return {"example": f"#{practice.pk}"}
    return {"title": practice.title}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    summary = str(data.get("summary") or "").replace("\r\n", "\n").strip()
    if not title:
        errors["title"] = ["Enter a title"]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"Enter {MAX_TITLE} characters or fewer (you entered {len(title)})"]
    if not summary:
        errors["summary"] = ["Enter what the practice is"]
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = [
            f"Enter {MAX_SUMMARY:,} characters or fewer (you entered {len(summary):,})"
        ]
    theme = data.get("theme")
    if theme and not isinstance(theme, Theme):
        theme = Theme.objects.filter(slug=str(theme)).first()
        if theme is None:
            errors["theme"] = ["Select a theme from the list"]
    if errors:
        raise InvalidInput(errors)
    return {"title": title, "summary": summary, "theme": theme or None}


def good_practice_add(*, case: PeerChallenge, data: dict[str, Any], actor) -> GoodPractice:
    """A manager's own good-practice example from the case, as a draft. InvalidInput naming
    each bad field; Refused before the visit."""
    fields = _clean(data)
    with transaction.atomic():
        locked = PeerChallenge.objects.select_for_update().get(pk=case.pk)
        if not may_add_good_practice(locked):
            raise Refused(["Good practice is recorded from the onsite visit on"])
        practice = GoodPractice.objects.create(
            council_id=locked.host_id,
            challenge=locked,
            source=GoodPractice.Source.MANAGER,
            created_by=actor,
            **fields,
        )
        _audit(practice, GOOD_PRACTICE_DRAFTED, actor)
    return practice


def _locked(practice: GoodPractice) -> GoodPractice:
    # Only the row itself: PostgreSQL cannot lock the nullable side of the case's outer join.
    locked = GoodPractice.objects.select_for_update(of=("self",)).select_related("challenge")
    return locked.get(pk=practice.pk)


def good_practice_edit(*, practice: GoodPractice, data: dict[str, Any], actor) -> GoodPractice:
    """Change a draft's words or theme. Once the council approved it, its words are what they
    approved: refused (409)."""
    fields = _clean(data)
    with transaction.atomic():
        locked = _locked(practice)
        if locked.status != GoodPractice.Status.DRAFT:
            raise Refused(
                [f"This example is {locked.get_status_display().lower()}: only a draft changes"]
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        _audit(locked, GOOD_PRACTICE_CHANGED, actor)
    return locked


def _move(practice: GoodPractice, step: str, action: str, actor) -> GoodPractice:
    with transaction.atomic():
        locked = _locked(practice)
        if step == "approve" and locked.status != GoodPractice.Status.DRAFT:
            raise Refused([f"Only a draft is approved; this is {locked.get_status_display()}"])
        if step == "publish":
            if locked.status != GoodPractice.Status.APPROVED:
                raise Refused(["Only an example the council approved is published"])
            if locked.theme_id is None:
                raise Refused(["Choose its theme first: published examples are found by theme"])
        getattr(locked, step)()
        locked.save()
        _audit(locked, action, actor)
    return locked


def good_practice_approve(*, practice: GoodPractice, actor) -> GoodPractice:
    """The council agreed to share it."""
    return _move(practice, "approve", GOOD_PRACTICE_APPROVED, actor)


def good_practice_publish(*, practice: GoodPractice, actor) -> GoodPractice:
    return _move(practice, "publish", GOOD_PRACTICE_PUBLISHED, actor)


# --- FB10 → candidates ----------------------------------------------------------------------


def fb10_answers_without_candidate() -> QuerySet[Answer]:
    """Completed surveys' FB10 answers of "yes" with words, not yet a candidate."""
    taken = GoodPractice.objects.filter(survey_answer__isnull=False).values("survey_answer")
    return (
        Answer.objects.filter(
            question__key=FB10,
            choice=YES,
            invitation__status=InvitationStatus.COMPLETED,
        )
        .exclude(text="")
        .exclude(pk__in=taken)
        .select_related("invitation__challenge__host")
        .order_by("pk")
    )


def _title(council_name: str, text: str) -> str:
    first = " ".join(text.split())
    if len(first) > TITLE_WORDS:
        first = first[: TITLE_WORDS - 1].rstrip() + "…"
    return f"{council_name}: {first}"[:MAX_TITLE]


def good_practice_from_answer(*, answer: Answer) -> GoodPractice | None:
    """The draft for one FB10 answer; None when it has one already (idempotent)."""
    text = answer.text.strip()
    case = answer.invitation.challenge
    try:
        with transaction.atomic():
            practice = GoodPractice.objects.create(
                title=_title(case.host.name, text),
                summary=text[:MAX_SUMMARY],
                council_id=case.host_id,
                challenge=case,
                source=GoodPractice.Source.SURVEY,
                survey_answer=answer,
            )
            _audit(
                practice,
                GOOD_PRACTICE_DRAFTED,
                None,
                {"from": f"the {answer.invitation.get_respondent_display().lower()}'s FB10"},
            )
    except IntegrityError:
        return None  # another sweep made it first: the unique answer held
    return practice


def draft_good_practice_from_surveys() -> int:
    """The daily sweep: a draft for every FB10 "yes, and here it is" not yet drafted."""
    made = sum(
        1
        for answer in fb10_answers_without_candidate()
        if good_practice_from_answer(answer=answer) is not None
    )
    logger.info("good practice: %d draft(s) from FB10 answers", made)
    return made
