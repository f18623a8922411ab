"""Surveys of the council's chief executive and leader (DESIGN.md §5, DOMAIN.md §6): the
feedback survey on completion and the impact survey twelve months after the visit.

Questionnaires are versioned data: a published version's wording never changes (a change is a
new version), so results compare across versions by question key only where the wording is
the same. An invitation is one person's link to one survey of one case; its answers are rows
(one per question) so the board's figures are SQL aggregates.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from core.signed_links import new_nonce
from workflow.models.fsm import StateMachineMixin


class SurveyKind(models.TextChoices):
    FEEDBACK = "feedback", "Feedback survey"
    IMPACT = "impact", "Twelve-month impact survey"


class Respondent(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    LEADER = "leader", "Leader"


class Questionnaire(models.Model):
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    # Set once the version is in use: from then on its wording is fixed.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_questionnaire_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "One answer from a scale"
    MULTIPLE = "multiple", "Any number of answers"
    TEXT = "text", "Free text"


class Question(models.Model):
    """One question. `options` is the scale, in order: [{"value": ..., "label": ...}]; an
    option with "detail": true asks for words with it ("Yes (describe)"). `headlines` are the
    figures the board reports from it: [{"key": ..., "label": ..., "values": [...]}], each the
    share of respondents who chose one of `values`."""

    Kind = QuestionKind

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.CharField(max_length=10)  # FB1, IM3, FB8a
    position = models.PositiveSmallIntegerField()
    page = models.PositiveSmallIntegerField(help_text="Questions on one page share a number.")
    text = models.TextField()
    hint = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    options = models.JSONField(default=list, blank=True)
    headlines = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="one_question_per_key"),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="one_question_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    def save(self, *args, **kwargs) -> None:
        # The wording of a version in use never changes; a change is a new version.
        if self.pk is not None and self.questionnaire.published_at is not None:
            raise ValidationError(f"{self.questionnaire} is published: its wording is fixed")
        super().save(*args, **kwargs)

    @property
    def values(self) -> list[str]:
        return [option["value"] for option in self.options]


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"


class SurveyInvitation(StateMachineMixin, models.Model):
    """One person's invitation to one survey of one case:

        scheduled → sent → completed | expired;  expired → sent (a manager extends it)

    The link is signed over the row's id and `nonce` (core/signed_links.py): a new nonce
    revokes it. `expires_on` lives here so a manager can extend it."""

    Status = InvitationStatus

    challenge = models.ForeignKey(
        "workflow.PeerChallenge", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations"
    )
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    # Who it went to (set when sent; before that the case's current contact is used).
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    status = FSMField(
        max_length=10, choices=InvitationStatus.choices, default="scheduled", protected=True
    )
    send_on = models.DateField(help_text="The day the sweep sends it.")
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=500, blank=True)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["challenge", "questionnaire__kind", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "questionnaire", "respondent"],
                name="one_survey_invitation_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values),
                name="survey_invitation_status_is_known",
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(sent_at__isnull=False),
                name="survey_invitation_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="survey_invitation_completed_has_completed_at",
            ),
        ]
        # The results select a period's returns by completion and its response rate by sending.
        indexes = [
            models.Index(fields=["completed_at"], name="survey_returned"),
            models.Index(fields=["sent_at"], name="survey_sent"),
            # The dashboard's surveys outstanding and impact surveys due: the few invitations
            # still waiting (sent, or scheduled) of ~200,000, without a scan of them all.
            models.Index(
                fields=["challenge"],
                condition=Q(status__in=["sent", "scheduled"]),
                name="survey_waiting",
            ),
            # The same by status and day, with the columns the dashboard's lists read: the
            # sent ones, and those scheduled to be sent by a day, from the index alone.
            models.Index(
                fields=["status", "send_on"],
                include=["challenge", "questionnaire", "respondent", "expires_on", "id"],
                condition=Q(status__in=["sent", "scheduled"]),
                name="survey_waiting_by_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.get_kind_display()} for {self.get_respondent_display()}"

    @transition(field=status, source=InvitationStatus.SCHEDULED, target=InvitationStatus.SENT)
    def send(self):
        pass

    @transition(field=status, source=InvitationStatus.SENT, target=InvitationStatus.COMPLETED)
    def complete(self):
        pass

    @transition(field=status, source=InvitationStatus.SENT, target=InvitationStatus.EXPIRED)
    def expire(self):
        pass

    # A manager extends an expired survey's closing date: its link works again.
    @transition(field=status, source=InvitationStatus.EXPIRED, target=InvitationStatus.SENT)
    def reopen(self):
        pass


class Answer(models.Model):
    """One answer of one invitation. Saved page by page (a respondent may leave and come back);
    fixed once the invitation is completed."""

    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=40, blank=True)  # a CHOICE question's option value
    choices = models.JSONField(default=list, blank=True)  # a MULTIPLE question's values
    text = models.TextField(max_length=5000, blank=True, validators=[MaxLengthValidator(5000)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.choice or self.choices or self.text[:40]}"
