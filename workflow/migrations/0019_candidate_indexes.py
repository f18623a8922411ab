# The candidates list reads a case's places and a peer's places from these alone (issue 11, P3:
# workflow/candidates.py, the EXPLAINs in bench/RESULTS.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0018_admin_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["challenge", "status"], include=["peer", "days"], name="places_by_case"
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["peer", "status"], include=["challenge", "id"], name="places_by_peer"
            ),
        ),
    ]
