from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_rename_subject_ref_to_topic_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="uncertain_sends",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
