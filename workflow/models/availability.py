"""Choosing the onsite dates: a manager may poll the invited peers on two to four candidate
date ranges before fixing them (issue 8), and every candidate or chosen range is checked
against the calendars below (workflow/date_checks.py)."""

from django.db import models
from django.db.models import F, Q

from workflow.dates import range_words


class DateOption(models.Model):
    """A candidate range for the onsite visit, offered to the team."""

    challenge = models.ForeignKey(
        "workflow.PeerChallenge", on_delete=models.CASCADE, related_name="date_options"
    )
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "end", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="date_option_in_order"),
            models.UniqueConstraint(
                fields=["challenge", "start", "end"], name="one_date_option_per_range"
            ),
        ]

    def __str__(self) -> str:
        return range_words(self.start, self.end)


class Availability(models.TextChoices):
    YES = "yes", "I can make these dates"
    IF_NEED_BE = "if_need_be", "I could, if need be"
    NO = "no", "I cannot make these dates"


class AvailabilityAnswer(models.Model):
    """A peer's answer for one candidate range (from their invitation's page)."""

    Answer = Availability

    option = models.ForeignKey(DateOption, on_delete=models.CASCADE, related_name="answers")
    assignment = models.ForeignKey(
        "workflow.Assignment", on_delete=models.CASCADE, related_name="availability"
    )
    answer = models.CharField(max_length=12, choices=Availability.choices)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["option", "assignment"], name="one_answer_per_peer_and_option"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=Availability.values), name="availability_answer_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} ({self.option})"


class ElectionPeriod(models.Model):
    """A pre-election period (DOMAIN.md §9.7: elections cause postponements), kept by the
    managers and seeded with the May local elections. No councils listed means it applies to
    every council."""

    name = models.CharField(max_length=200)
    starts = models.DateField(help_text="The first day of the pre-election period.")
    polling_day = models.DateField()
    councils = models.ManyToManyField(
        "workflow.Council",
        blank=True,
        related_name="+",
        help_text="Leave empty when the period applies to every council.",
    )

    class Meta:
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polling_day__gte=F("starts")), name="election_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name
