from django.conf import settings
from django.db import models


class Notification(models.Model):
    """The outbox: every email is a row first, written in the transaction that causes it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        """Every email we send, with the words a manager sees. Each kind has three templates,
        notifications/emails/<kind>-subject.txt, -body.txt and -body.html (a test checks)."""

        BOOKING_CONFIRMATION = "booking_confirmation", "Booking confirmation (council)"
        JOINING_INSTRUCTIONS = (
            "joining_instructions",
            "Joining instructions and calendar invite (peer)",
        )
        ONSITE_REMINDER = "onsite_reminder", "Onsite visit approaching"
        REPORT_OVERDUE = "report_overdue", "Feedback report overdue"
        PUBLICATION_REMINDER = "publication_reminder", "Publication reminder (council)"
        PUBLICATION_ESCALATION = "publication_escalation", "Publication overdue (escalation)"
        ACTION_PLAN_DUE = "action_plan_due", "Action plan not yet published"
        IMPACT_SURVEY_DUE = "impact_survey_due", "Impact survey due"
        FOLLOW_UP_PROMPT = "follow_up_prompt", "Follow-up visit or progress review prompt"
        MANAGER_DIGEST = "manager_digest", "Weekly digest of overdue items"
        MANUAL = "manual", "A message from the challenge manager"
        VISIT_CHANGED = (
            "visit_changed",
            "Onsite visit dates changed, with the updated calendar invite",
        )
        VISIT_POSTPONED = (
            "visit_postponed",
            "Onsite visit postponed, with the calendar invite cancelled",
        )
        VISIT_WITHDRAWN = (
            "visit_withdrawn",
            "Challenge withdrawn, with the calendar invite cancelled",
        )
        # Team assembly (issue 8): the peer's invitation by signed link and what follows it.
        INVITATION = "invitation", "Invitation to join a challenge team (peer)"
        INVITATION_REMINDER = "invitation_reminder", "Invitation not yet answered (peer)"
        INVITATION_ANSWERED = (
            "invitation_answered",
            "A peer accepted, declined or let an invitation lapse (manager)",
        )
        RESERVE_INVITED = "reserve_invited", "A reserve was invited in a peer's place (manager)"
        PLACE_CONFIRMED = (
            "place_confirmed",
            "Place on the team confirmed, with the calendar invite (peer)",
        )
        PLACE_WITHDRAWN = (
            "place_withdrawn",
            "Invitation or place on the team withdrawn, calendar invite cancelled (peer)",
        )
        AVAILABILITY_POLL = "availability_poll", "Which onsite dates can you make? (peer)"
        # Surveys (issue 9): the chief executive's and leader's survey by signed link.
        SURVEY_INVITATION = "survey_invitation", "Survey invitation (chief executive or leader)"
        SURVEY_REMINDER = "survey_reminder", "Survey not yet completed (chief executive or leader)"
        # An account email, which the system sends itself (notifications.emails.ACCOUNT_KINDS).
        PASSWORD_RESET = "password_reset", "Password reset link"

    kind = models.CharField(max_length=60, choices=Kind.choices, db_index=True)
    # The key of what the email is about, as "<model>:<pk>" (a case, a manager's digest, ...):
    # part of the unique key, so it must never be blank. A manual message gets its own
    # "manual:<uuid>", so a manager may write to the same person twice in a day.
    topic_key = models.CharField(max_length=60)
    challenge = models.ForeignKey(
        "workflow.PeerChallenge",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=200, blank=True)
    due_on = models.DateField()
    context = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When a delivery task was last put on the broker: a row queued long ago and still QUEUED
    # lost its message (Redis restart) and is dispatched again by the sweep.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # After a transient failure: not to be dispatched or claimed before this (the backoff lives
    # in the row, not in a Celery countdown, so a restarted broker cannot lose or shorten it).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Times the sweep found this row stuck in SENDING and re-queued it: the worker may have
    # died after the SMTP call but before marking it sent, so it may be delivered twice.
    stale_requeues = models.PositiveSmallIntegerField(default=0)
    # Times a send failed after the message may already have reached the mail server (no reply
    # to the end of the message: a timeout or a dropped connection) and the row was retried:
    # the server may have kept it, so it may be delivered twice.
    uncertain_sends = models.PositiveSmallIntegerField(default=0)
    # Who last sent the row again by hand, and when (None: never resent, or by the system).
    # Every resend is also logged; the row keeps the latest, which is what a reader asks about
    # ("this went twice: who sent it again?").
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "topic_key", "recipient_email", "due_on"],
                name="one_notification_per_kind_topic_recipient_day",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # The admin's list order (newest first): a page without sorting a million rows.
            models.Index(fields=["-created_at", "-id"], name="outbox_newest_first"),
            # A case's outbox, newest due first (the case page and its API).
            models.Index(fields=["challenge", "-due_on", "-id"], name="case_outbox_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_email} ({self.status})"

    @staticmethod
    def case_topic(challenge) -> str:
        """The `topic_key` of an email about a case: one spelling, since it is part of the key."""
        return f"challenge:{challenge.pk}"
