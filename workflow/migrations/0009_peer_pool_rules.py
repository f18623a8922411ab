# Every peer keeps the rules now (0008 made them): the database holds them from here on.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0008_peer_pool_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='peer',
            name='legacy_specialisms',
        ),
        migrations.AddConstraint(
            model_name='peer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'member'), ('officer_role', ''), models.Q(('political_group', ''), _negated=True)), models.Q(('kind', 'officer'), ('political_group', ''), models.Q(('officer_role', ''), _negated=True)), _connector='OR'), name='member_peer_has_a_group_officer_peer_a_role'),
        ),
        migrations.AddConstraint(
            model_name='peer',
            constraint=models.CheckConstraint(condition=models.Q(('job_title', ''), ('officer_role', 'other'), _negated=True), name='other_officer_role_has_a_job_title'),
        ),
        migrations.AddConstraint(
            model_name='peer',
            constraint=models.CheckConstraint(condition=models.Q(('max_days_per_year__gte', 1), ('max_days_per_year__lte', 250)), name='peer_days_per_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='peer',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), name='one_peer_per_email_in_any_case', violation_error_message='another peer has this email address'),
        ),
    ]
