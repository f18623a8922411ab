# The peer pool's new shape (issue 8). The old JSON list of specialisms is kept as
# `legacy_specialisms` until 0008 has copied it into the Specialism table; 0009 drops it and
# adds the rules once every row keeps them.

import datetime

import django.core.validators
import django.db.models.deletion
import workflow.dates
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0006_case_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Specialism',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(max_length=60, unique=True)),
                ('name', models.CharField(max_length=100, unique=True)),
                ('description', models.CharField(blank=True, max_length=300)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.RenameField(
            model_name='peer',
            old_name='specialisms',
            new_name='legacy_specialisms',
        ),
        migrations.AddField(
            model_name='peer',
            name='specialisms',
            field=models.ManyToManyField(blank=True, related_name='peers', to='workflow.specialism'),
        ),
        migrations.AddField(
            model_name='peer',
            name='accredited_on',
            field=models.DateField(blank=True, help_text="When the peer completed the LGA's peer training.", null=True, validators=[workflow.dates.validate_programme_date], verbose_name='accredited or trained on'),
        ),
        migrations.AddField(
            model_name='peer',
            name='max_days_per_year',
            field=models.PositiveSmallIntegerField(default=20, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(250)], verbose_name='most days a financial year'),
        ),
        migrations.AddField(
            model_name='peer',
            name='officer_role',
            field=models.CharField(blank=True, choices=[('chief_executive', 'Chief executive'), ('deputy_chief_executive', 'Deputy chief executive'), ('director_of_finance', 'Director of finance'), ('director_of_childrens_services', "Director of children's services"), ('director_of_adult_social_services', 'Director of adult social services'), ('director_of_public_health', 'Director of public health'), ('director_of_place', 'Director of place'), ('monitoring_officer', 'Monitoring officer'), ('other', 'Other senior officer (see job title)')], help_text='Officer peers only.', max_length=40),
        ),
        migrations.AlterField(
            model_name='peer',
            name='council',
            field=models.ForeignKey(blank=True, help_text='Where the peer is a councillor or officer now; blank for one who has left local government (record the councils they served as former councils).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.council', verbose_name='home council'),
        ),
        migrations.AlterField(
            model_name='peer',
            name='is_active',
            field=models.BooleanField(default=True, help_text='Inactive peers are not offered for new teams.', verbose_name='active'),
        ),
        migrations.AlterField(
            model_name='peer',
            name='political_group',
            field=models.CharField(blank=True, choices=[('conservative', 'Conservative'), ('labour', 'Labour'), ('liberal_democrat', 'Liberal Democrat'), ('independent', 'Independent'), ('green', 'Green'), ('reform_uk', 'Reform UK'), ('other', 'Other')], help_text='Member peers only: officers are politically restricted.', max_length=60),
        ),
        migrations.AlterField(
            model_name='peer',
            name='user',
            field=models.OneToOneField(blank=True, help_text='The account the peer signs in with.', null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='PeerFormerCouncil',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('until', models.DateField(validators=[django.core.validators.MinValueValidator(datetime.date(1950, 1, 1), 'must be after 1950')], verbose_name='served until')),
                ('council', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.council')),
                ('peer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='former_councils', to='workflow.peer')),
            ],
            options={
                'ordering': ['-until'],
                'constraints': [models.UniqueConstraint(fields=('peer', 'council'), name='one_former_council_row_per_council', violation_error_message="this council is already one of the peer's former ones")],
            },
        ),
        migrations.CreateModel(
            name='DeclaredInterest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.CharField(blank=True, help_text='What the interest is.', max_length=300)),
                ('council', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.council')),
                ('peer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interests', to='workflow.peer')),
            ],
            options={
                'ordering': ['council__name'],
                'constraints': [models.UniqueConstraint(fields=('peer', 'council'), name='one_declared_interest_per_council', violation_error_message='an interest in this council is already declared')],
            },
        ),
        migrations.AddField(
            model_name='peer',
            name='declared_interests',
            field=models.ManyToManyField(blank=True, help_text='Councils the peer has declared an interest in (a warning before inviting).', related_name='+', through='workflow.DeclaredInterest', to='workflow.council'),
        ),
    ]
