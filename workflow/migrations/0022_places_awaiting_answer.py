# The dashboard's unanswered invitations by respond-by day (issue 11, P3: reports/overdue.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0021_candidate_workload_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("status", "invited")),
                fields=["respond_by"],
                name="places_awaiting_answer",
            ),
        ),
    ]
