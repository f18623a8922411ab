# The dashboard's surveys outstanding and impact surveys due read from this index alone (issue
# 11, P3: reports/overdue.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_waiting_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="surveyinvitation",
            index=models.Index(
                condition=models.Q(("status__in", ["sent", "scheduled"])),
                fields=["status", "send_on"],
                include=("challenge", "questionnaire", "respondent", "expires_on", "id"),
                name="survey_waiting_by_day",
            ),
        ),
    ]
