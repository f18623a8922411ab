"""Admin for what the reports keep of their own. The delivery targets and reporting groups are
set here each year (the programme report reads them: reports/targets.py)."""

from django.contrib import admin

from reports.models import DeliveryTarget, ReportingGroup


@admin.register(ReportingGroup)
class ReportingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    filter_horizontal = ["types"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeliveryTarget)
class DeliveryTargetAdmin(admin.ModelAdmin):
    """One target a year for all types (no group) and one per group; the database holds it."""

    list_display = ["year", "group", "target"]
    list_filter = ["group"]
