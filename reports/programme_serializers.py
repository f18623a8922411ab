"""The programme report as JSON: the API's answer and `programme_report --format json` are the
same document. Days and averages are numbers (half days kept: 12.5); a figure not available
(no target, a hidden survey figure) is null."""

from rest_framework import serializers

from core.snapshot_fields import FiguresAsAt
from reports.delivered import DeliveredCase
from reports.programme import TENTH
from surveys.api import PeriodOutput, SurveyResultsOutput


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=1, coerce_to_string=False, **kwargs
    )


class DeliveredCountOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    delivered = serializers.IntegerField(
        help_text="Peer challenges whose visit ended in the period"
    )
    councils = serializers.IntegerField(help_text="Distinct host councils")


class PeersOutput(serializers.Serializer):
    deployed = serializers.IntegerField(help_text="Distinct peers with a completed place")
    councillors = serializers.IntegerField()
    officers = serializers.IntegerField()
    days = _number(help_text="Days logged on those places, half days kept")


class CpcTeamOutput(serializers.Serializer):
    cpcs = serializers.IntegerField(help_text="Corporate peer challenges delivered")
    with_team = serializers.IntegerField(help_text="Of which with a recorded team")
    places = serializers.IntegerField(help_text="Team places, excluding the manager and shadows")
    average = _number(allow_null=True)


class FirstTimeOutput(serializers.Serializer):
    cpcs = serializers.IntegerField()
    first_time = serializers.IntegerField()
    repeat = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class QuarterOutput(serializers.Serializer):
    quarter = serializers.CharField()
    started = serializers.BooleanField()
    delivered = serializers.IntegerField(help_text="In the quarter")
    change = serializers.IntegerField(allow_null=True, help_text="On the quarter before")
    cumulative = serializers.IntegerField()
    expected = _number(allow_null=True, help_text="Pro-rata target at the quarter's end")
    rag = serializers.CharField(allow_null=True)


class TargetOutput(serializers.Serializer):
    scope = serializers.CharField()
    group = serializers.CharField(allow_null=True, help_text="The reporting group's slug")
    target = serializers.IntegerField(allow_null=True)
    expected = _number(allow_null=True, help_text="Pro-rata target to date")
    delivered = serializers.IntegerField(help_text="The year to date")
    rag = serializers.CharField(allow_null=True, help_text="green, amber, red or null")
    quarters = QuarterOutput(many=True)


class TakeUpOutput(serializers.Serializer):
    as_at = serializers.DateField()
    eligible = serializers.IntegerField(help_text="Current English councils")
    had = serializers.IntegerField()
    booked_only = serializers.IntegerField()
    taken_up = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class DeliveredCaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    council = serializers.CharField()
    type = serializers.CharField()
    onsite_end = serializers.DateField()
    state = serializers.CharField()
    first_time_cpc = serializers.BooleanField(allow_null=True, help_text="null: not a CPC")
    team = serializers.IntegerField(help_text="Places, excluding the manager and shadows")
    days = _number()

    def to_representation(self, case: DeliveredCase) -> dict:
        # What DRF's field-by-field walk gives (tests/reports/test_programme_outputs.py checks
        # it), built at once: a year runs to 3,000 cases at scale, and the walk was most of a
        # kept report's read (issue 11).
        return {
            "reference": case.reference,
            "council": case.council,
            "type": case.type,
            "onsite_end": case.onsite_end.isoformat(),
            "state": case.state,
            "first_time_cpc": case.first_time_cpc,
            "team": case.team,
            "days": case.days.quantize(TENTH),
        }


class ProgrammeReportOutput(serializers.Serializer):
    year = serializers.IntegerField()
    part = serializers.CharField()
    period = PeriodOutput()
    as_at = serializers.DateField()
    delivered = serializers.IntegerField()
    councils_engaged = serializers.IntegerField()
    by_type = DeliveredCountOutput(many=True)
    by_group = DeliveredCountOutput(many=True)
    peers = PeersOutput()
    team = CpcTeamOutput()
    first_time = FirstTimeOutput()
    targets = TargetOutput(many=True)
    take_up = TakeUpOutput()
    feedback = SurveyResultsOutput()
    impact = SurveyResultsOutput()
    cases = DeliveredCaseOutput(many=True, help_text="The cases delivered: what is counted")
    paragraph = serializers.CharField()


class KeptProgrammeReportOutput(ProgrammeReportOutput):
    """The API's answer: the report as kept (core/snapshots.py) and when it was computed,
    from the context's `figures_as_at`."""

    figures_as_at = FiguresAsAt()
