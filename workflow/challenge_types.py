"""The programme's challenge types as reference data (DOMAIN.md §2 and §5).

Loaded by a data migration and editable in admin afterwards; `sync_challenge_types` upserts
by slug so re-running it restores the defaults without duplicating anything.
"""

# The CPC's five core components, 2016/17 onwards (DOMAIN.md §5.1, verbatim from the board
# paper 000:458-539). Component 4 keeps both of its names: the list label and the heading.
CPC_COMPONENTS_2016 = [
    {
        "code": "local-context",
        "label": "Understanding of the local context and priority setting",
        "question": "Understanding of local context and priority setting: Do councils understand "
        "their local context and have they established a clear set of priorities?",
    },
    {
        "code": "leadership-of-place",
        "label": "Leadership of place",
        "question": "Leadership of place: Do councils provide effective leadership of place "
        "through its elected members, officers and constructive relationships and partnerships "
        "with external stakeholders?",
    },
    {
        "code": "organisational-leadership",
        "label": "Organisational leadership and governance",
        "question": "Organisational leadership and governance: Is there effective political and "
        "managerial leadership supported by good governance and decision-making arrangements "
        "that respond to key challenges and enable change and transformation to be implemented.",
    },
    {
        "code": "financial-planning",
        "label": "Financial planning and viability",
        "question": "Financial Planning and Management: Does the council have a financial plan in "
        "place to ensure long term viability and is there evidence that it is being implemented "
        "effectively?",
    },
    {
        "code": "capacity-to-deliver",
        "label": "Capacity to deliver",
        "question": "Capacity to deliver: Is organisational capacity aligned with priorities and "
        "does the council influence, enable and leverage external capacity to focus on agreed "
        "outcomes?",
    },
]

MHCLG = "LGA improvement grant (MHCLG)"

CHALLENGE_TYPES = [
    {
        "slug": "corporate",
        "name": "Corporate peer challenge",
        "funder": MHCLG,
        "intake_mode": "universal",
        "mandatory_components": CPC_COMPONENTS_2016,
        "components_version": "2016",
        "min_peers": 3,
        "max_peers": 6,
        "requires_lead_member_peer": True,
        "requires_lead_officer_peer": True,
        "repeat_interval_months": 60,
    },
    {
        "slug": "finance",
        "name": "Finance peer challenge",
        "funder": MHCLG,
        "intake_mode": "universal",
        "mandatory_components": [CPC_COMPONENTS_2016[3]],
        "components_version": "2016",
        "min_peers": 2,
        "max_peers": 4,
        "requires_lead_officer_peer": True,
    },
    {
        "slug": "follow-up",
        "name": "Progress review / follow-up visit",
        "funder": MHCLG,
        "intake_mode": "universal",
        "min_peers": 1,
        "max_peers": 6,
        "requires_parent": True,
    },
    {
        "slug": "childrens-safeguarding",
        "name": "Children's safeguarding peer challenge",
        "funder": "Department for Education",
        "intake_mode": "cyclical_entitlement",
        "min_peers": 3,
        "max_peers": 6,
        "requires_lead_officer_peer": True,
        "repeat_interval_months": 36,
    },
    {
        "slug": "adults",
        "name": "Adults' peer challenge",
        "funder": "Department of Health and Social Care (CHIP)",
        "intake_mode": "targeted",
        "min_peers": 3,
        "max_peers": 6,
    },
    {
        "slug": "culture",
        "name": "Culture peer challenge",
        "funder": "Arts Council England",
        "intake_mode": "competitive_bid",
        "min_peers": 2,
        "max_peers": 5,
    },
    {
        "slug": "library",
        "name": "Library peer challenge",
        "funder": "Arts Council England",
        "intake_mode": "competitive_bid",
        "min_peers": 2,
        "max_peers": 5,
    },
    {
        "slug": "health-and-care",
        "name": "Health and care system peer challenge",
        "funder": "Department of Health and Social Care (CHIP)",
        "intake_mode": "targeted",
        "min_peers": 3,
        "max_peers": 8,
    },
]


def sync_challenge_types(type_model) -> int:
    """Upsert the default types by slug; returns how many rows were created."""
    created = 0
    for spec in CHALLENGE_TYPES:
        spec = dict(spec)
        _, was_created = type_model.objects.update_or_create(slug=spec.pop("slug"), defaults=spec)
        created += was_created
    return created
