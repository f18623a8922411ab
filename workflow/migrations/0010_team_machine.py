# A team place gets its own machine (issue 8): a role instead of `is_lead`, a declaration of
# interests in words instead of a tick, the invitation's dates, a reason for declining, and the
# rules the model checks held by the database too.

import datetime
from decimal import Decimal

import django.core.validators
import django.db.models.expressions
import django.db.models.functions.math
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
import django_fsm
import workflow.dates
import workflow.models.team_rules
from django.db import migrations, models

RESPOND_WITHIN_DAYS = 14  # workflow.models.team_rules.RESPOND_WITHIN when this was written
NOT_IN_WORDS = "(declared before declarations were recorded in words)"
NOT_RECORDED = "(not recorded: accepted before a declaration was required)"


def roles_and_declarations(apps, schema_editor):
    """is_lead + the peer's kind -> the role; the declaration's tick -> words; the dates an
    invitation now keeps, from when the place was added."""
    Assignment = apps.get_model("workflow", "Assignment")
    stuck = []
    for place in Assignment.objects.select_related("peer"):
        kind = place.peer.kind  # "member" or "officer", the same words as the two plain roles
        place.role = f"lead_{kind}" if place.is_lead else kind
        if place.interests_declared:
            place.interests = NOT_IN_WORDS
        elif place.status in ("accepted", "completed"):
            place.interests = NOT_RECORDED
        place.invited_on = place.created_at.date()
        if place.status == "invited":
            place.respond_by = place.invited_on + datetime.timedelta(days=RESPOND_WITHIN_DAYS)
        if (place.status == "completed") != (place.days is not None):
            stuck.append(place.pk)
        place.save()
    if stuck:
        raise RuntimeError(
            "team places whose days do not fit their status (days are logged exactly when a "
            f"place is completed): {stuck}. Correct them, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0009_peer_pool_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="role",
            field=models.CharField(
                choices=[
                    ("lead_member", "Lead member peer"),
                    ("lead_officer", "Lead officer peer"),
                    ("member", "Member peer"),
                    ("officer", "Officer peer"),
                    ("specialist", "Specialist peer"),
                    ("shadow", "Shadow peer"),
                ],
                default="officer",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assignment",
            name="interests",
            field=models.TextField(
                blank=True,
                help_text="Anything that could be a conflict of interest in this council, or “none”.",
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="declaration of interests",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="decline_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("dates", "Not available on the dates"),
                    ("workload", "Too much other work"),
                    ("conflict", "A conflict of interest"),
                    ("expertise", "Not the right expertise for this challenge"),
                    ("other", "Another reason"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="decline_note",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="invited_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="respond_by",
            field=models.DateField(
                blank=True,
                help_text="The invitation expires after this day.",
                null=True,
                validators=[workflow.dates.validate_programme_date],
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="assignment",
            name="days",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text="Half days allowed.",
                max_digits=4,
                null=True,
                validators=[workflow.models.team_rules.validate_days],
                verbose_name="days on the challenge",
            ),
        ),
        migrations.AlterField(
            model_name="assignment",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("reserve", "Reserve"),
                    ("invited", "Invited"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("expired", "Expired"),
                    ("withdrawn", "Withdrawn"),
                    ("completed", "Completed"),
                ],
                default="reserve",
                max_length=12,
                protected=True,
            ),
        ),
        migrations.RunPython(roles_and_declarations, migrations.RunPython.noop),
        migrations.RemoveField(model_name="assignment", name="is_lead"),
        migrations.RemoveField(model_name="assignment", name="interests_declared"),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "reserve",
                            "invited",
                            "accepted",
                            "declined",
                            "expired",
                            "withdrawn",
                            "completed",
                        ],
                    )
                ),
                name="assignment_status_is_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "role__in",
                        [
                            "lead_member",
                            "lead_officer",
                            "member",
                            "officer",
                            "specialist",
                            "shadow",
                        ],
                    )
                ),
                name="assignment_role_is_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("days__isnull", True),
                    models.Q(
                        ("days__gt", 0),
                        ("days__lte", Decimal("31")),
                        django.db.models.lookups.Exact(
                            django.db.models.expressions.CombinedExpression(
                                models.F("days"), "*", models.Value(2)
                            ),
                            django.db.models.functions.math.Round(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("days"), "*", models.Value(2)
                                )
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="assignment_days_in_half_days",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("days__isnull", False), ("status", "completed")),
                    models.Q(
                        models.Q(("status", "completed"), _negated=True), ("days__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="assignment_days_logged_on_completion",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ("accepted", "completed")), _negated=True),
                    django.db.models.lookups.GreaterThan(
                        django.db.models.functions.text.Length(
                            django.db.models.functions.text.Trim("interests")
                        ),
                        0,
                    ),
                    _connector="OR",
                ),
                name="assignment_accepted_with_declaration",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "invited"), _negated=True),
                    ("respond_by__isnull", False),
                    _connector="OR",
                ),
                name="assignment_invitation_has_respond_by",
            ),
        ),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("respond_by__isnull", True),
                    ("invited_on__isnull", True),
                    ("respond_by__gte", models.F("invited_on")),
                    _connector="OR",
                ),
                name="assignment_respond_by_after_invitation",
            ),
        ),
    ]
