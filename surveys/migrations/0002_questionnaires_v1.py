"""Version 1 of the feedback and impact questionnaires (DOMAIN.md §6.6), published: their
wording is fixed from here (surveys/data/questionnaires_v1.json is never edited; a change is a
new version with its own file and migration)."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data" / "questionnaires_v1.json"


def load(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Question = apps.get_model("surveys", "Question")
    for spec in json.loads(DATA.read_text(encoding="utf-8")):
        questionnaire, created = Questionnaire.objects.get_or_create(
            kind=spec["kind"],
            version=spec["version"],
            defaults={
                "title": spec["title"],
                "introduction": spec["introduction"],
                "published_at": timezone.now(),
            },
        )
        if created:
            Question.objects.bulk_create(
                Question(questionnaire=questionnaire, **question)
                for question in spec["questions"]
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
