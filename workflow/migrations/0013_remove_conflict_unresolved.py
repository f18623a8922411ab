"""A place's conflicts are now read live from the council register (workflow/conflicts.py):
hard ones refuse the place, soft ones need the manager's recorded override reason. The flag a
manager used to set by hand says nothing the register does not, so it goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0012_link_nonces_and_election_calendar"),
    ]

    operations = [
        migrations.RemoveField(model_name="assignment", name="conflict_unresolved"),
    ]
