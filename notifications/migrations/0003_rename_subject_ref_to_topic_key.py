from django.db import migrations, models


class Migration(migrations.Migration):
    """`subject_ref` read like an email's subject line; it is the key of what the email is
    about. The unique constraint is renamed with it."""

    dependencies = [
        ("notifications", "0002_notification_next_attempt_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="notification",
            name="one_notification_per_kind_subject_recipient_day",
        ),
        migrations.RenameField(
            model_name="notification",
            old_name="subject_ref",
            new_name="topic_key",
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                fields=("kind", "topic_key", "recipient_email", "due_on"),
                name="one_notification_per_kind_topic_recipient_day",
            ),
        ),
    ]
