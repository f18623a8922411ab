from django.db import migrations

from workflow.challenge_types import sync_challenge_types
from workflow.councils import load_councils


def load(apps, schema_editor):
    load_councils(apps.get_model("workflow", "Council"))
    sync_challenge_types(apps.get_model("workflow", "ChallengeType"))


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
