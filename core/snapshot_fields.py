"""The API's side of kept figures (core/snapshots.py)."""

from rest_framework import serializers


class FiguresAsAt(serializers.DateTimeField):
    """When kept figures were computed (core/snapshots.py), from the serializer's context
    `figures_as_at`: the figures are the snapshot's value, its time sits beside them."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "When these figures were computed: they are kept a short while, and changes made "
            "since show within a few minutes.",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(self.context["figures_as_at"])
