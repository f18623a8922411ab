"""The date poll's API shapes (workflow/availability_api.py). Inputs check what a client can
get wrong in the shape (a missing or impossible date, an unknown answer); the services decide
the rest: how many ranges, in order, not past, not twice (400), and whether the case still
takes a poll (409)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.models import Availability, AvailabilityAnswer, DateOption


class DateRangeInput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class DateOptionsInput(serializers.Serializer):
    options = DateRangeInput(many=True, help_text="Two to four ranges, each start to end.")


class DateAnswerOutput(serializers.ModelSerializer):
    peer = serializers.CharField(source="assignment.peer.name")

    class Meta:
        model = AvailabilityAnswer
        fields = ["assignment", "peer", "answer", "answered_at"]


class DateOptionOutput(serializers.ModelSerializer):
    dates = serializers.CharField(source="__str__", help_text="The range in words.")
    warnings = serializers.SerializerMethodField(
        help_text="Weekend days, bank holidays and pre-election periods it runs into."
    )
    answers = serializers.SerializerMethodField()

    class Meta:
        model = DateOption
        fields = ["id", "start", "end", "dates", "warnings", "answers"]

    def get_warnings(self, option: DateOption) -> list[str]:
        return self.context["warnings"][option.pk]

    @extend_schema_field(DateAnswerOutput(many=True))
    def get_answers(self, option: DateOption) -> Any:
        answers = [a for a in self.context["answers"] if a.option_id == option.pk]
        return DateAnswerOutput(answers, many=True).data


class DateOptionsOutput(serializers.Serializer):
    options = DateOptionOutput(many=True)
    can_change = serializers.BooleanField(
        help_text="Whether the case's dates may still be polled (and so the options changed)."
    )


class OptionAnswerInput(serializers.Serializer):
    option = serializers.IntegerField(help_text="A date option's id.")
    answer = serializers.ChoiceField(choices=Availability.choices)


class AvailabilityInput(serializers.Serializer):
    answers = OptionAnswerInput(many=True, help_text="One answer for every option offered.")

    def validate_answers(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[int] = set()
        for item in value:
            if item["option"] in seen:
                raise serializers.ValidationError(f"option {item['option']} is answered twice")
            seen.add(item["option"])
        return value

    def answers_by_option(self) -> dict[int, str]:
        return {a["option"]: a["answer"] for a in self.validated_data["answers"]}


class PlaceAnswerOutput(serializers.Serializer):
    option = serializers.IntegerField()
    dates = serializers.CharField()
    answer = serializers.ChoiceField(choices=Availability.choices, allow_blank=True)


class AvailabilityOutput(serializers.Serializer):
    assignment = serializers.IntegerField()
    answers = PlaceAnswerOutput(many=True, help_text="An empty answer: not answered yet.")
