"""The Corporate/Finance reporting group the board reports (DOMAIN.md §7.2, 004:109) and the
common-messages themes of 2016/17 (DOMAIN.md §5.3), each under its core component's code in
the corporate type's components."""

from django.db import migrations

THEMES = {
    "local-context": [
        ("customer-insight-and-data", "Customer insight and data (evidence-led)"),
        ("engagement-and-consultation", "Engagement and consultation"),
        ("corporate-plan", "A corporate plan and clear priorities"),
        ("story-of-place", "A story of place"),
        ("focus-on-outcomes", "Focus on outcomes"),
    ],
    "leadership-of-place": [
        ("leader-and-chief-executive", "The role of the leader and chief executive"),
        ("partnerships", "Partnerships"),
        ("co-production", "Earlier engagement and co-production"),
        ("communicating-choices", "Communication about unpopular choices"),
        ("resetting-expectations", "Resetting expectations between council and citizen"),
    ],
    "organisational-leadership": [
        ("member-officer-relationships", "Member-officer relationships"),
        ("cross-party-working", "Cross-party working"),
        ("standards-and-behaviour", "Standards and member behaviour"),
        ("scrutiny", "Overview and scrutiny"),
        ("performance-management", "Performance management"),
        ("transformation-programme", "The transformation programme"),
        ("internal-communications", "Internal communications"),
        ("capacity-to-lead-change", "Capacity to lead change (programme and project management)"),
        ("modernising-governance", "Modernising governance, procurement and commissioning"),
        ("staff-engagement", "Staff engagement and innovation culture"),
        ("one-council", "'One council' culture and working across silos"),
    ],
    "financial-planning": [
        ("financial-challenge", "Understanding of the financial challenge"),
        ("diversifying-strategies", "Diversifying strategies"),
        ("commercialisation", "Commercialisation and income generation"),
        ("financial-management", "Financial management systems and reporting"),
    ],
    "capacity-to-deliver": [
        ("workforce", "Workforce, agile and flexible staff"),
        ("member-development", "Member development"),
        ("skills-gaps", "Skills gaps (commercial)"),
        ("digital-strategy", "Digital strategy"),
        ("partnership-working", "Partnership working and co-location"),
        ("new-delivery-models", "New delivery models (commissioning, outsourcing, shared services)"),
        ("sharing-innovations", "Sharing innovations"),
    ],
}


def forwards(apps, schema_editor):
    ChallengeType = apps.get_model("workflow", "ChallengeType")
    ReportingGroup = apps.get_model("reports", "ReportingGroup")
    Theme = apps.get_model("reports", "Theme")
    group, _ = ReportingGroup.objects.get_or_create(
        slug="corporate-finance", defaults={"name": "Corporate/Finance", "position": 1}
    )
    group.types.add(*ChallengeType.objects.filter(slug__in=["corporate", "finance"]))
    position = 0
    for component, themes in THEMES.items():
        for slug, name in themes:
            position += 1
            Theme.objects.get_or_create(
                slug=slug, defaults={"name": name, "component": component, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("workflow", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
