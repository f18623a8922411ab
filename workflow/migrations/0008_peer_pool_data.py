# Seeds the list of specialisms and moves existing peers into the pool's new shape:
# * the JSON list of specialisms becomes links to Specialism rows (a name not on the list
#   becomes a new row, so nothing is lost);
# * an officer's job title becomes their officer role where it names one ("Director of
#   Finance"); otherwise the role is "other" and the job title stays;
# * a political group written as words becomes its choice ("Lib Dem" -> liberal_democrat);
#   anything else, or none for a member peer, becomes "other": someone must look at those;
# * the managers (and programme leads, to read) get the admin permissions of the new models,
#   as migration 0003 gave them for the others.

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.text import slugify

# DOMAIN.md §4.1 (finance, children's, adults, culture, libraries, commercialisation, digital)
# and the corporate peer challenge's components (§5.1), as a manager would search for them.
SPECIALISMS = [
    ("finance", "Finance", "Financial planning and viability; section 151 work"),
    ("governance", "Governance", "Decision-making, scrutiny and the constitution"),
    ("leadership", "Leadership", "Organisational and place leadership; member-officer relations"),
    ("childrens-services", "Children's services", "Including safeguarding and SEND"),
    ("adult-social-care", "Adult social care", ""),
    ("health-and-care", "Health and care integration", "Health and wellbeing, public health"),
    ("housing", "Housing", "Housing delivery, homelessness, landlord services"),
    ("planning", "Planning", "Planning policy and development management"),
    ("economic-growth", "Economic growth", "Place-shaping, regeneration, skills"),
    ("culture", "Culture", "Arts, heritage, leisure and tourism"),
    ("libraries", "Libraries", ""),
    ("commercialisation", "Commercialisation", "Trading, income generation, companies"),
    ("digital", "Digital", "Digital services and data"),
    ("transformation", "Transformation", "Organisational change and capacity to deliver"),
    ("workforce", "Workforce", "HR, organisational development and culture"),
    ("communications", "Communications", "Communications and community engagement"),
    ("climate-change", "Climate change", "Net zero and the environment"),
    ("reorganisation", "Reorganisation and devolution", "Local government reorganisation, combined authorities"),
]

GROUPS = {
    "conservative": "conservative",
    "conservatives": "conservative",
    "labour": "labour",
    "liberal democrat": "liberal_democrat",
    "liberal democrats": "liberal_democrat",
    "liberal_democrat": "liberal_democrat",
    "lib dem": "liberal_democrat",
    "lib dems": "liberal_democrat",
    "independent": "independent",
    "green": "green",
    "green party": "green",
    "reform uk": "reform_uk",
    "reform_uk": "reform_uk",
    "reform": "reform_uk",
}
ROLES = {
    "chief executive": "chief_executive",
    "deputy chief executive": "deputy_chief_executive",
    "director of finance": "director_of_finance",
    "finance director": "director_of_finance",
    "section 151 officer": "director_of_finance",
    "s151 officer": "director_of_finance",
    "director of children's services": "director_of_childrens_services",
    "director of childrens services": "director_of_childrens_services",
    "director of adult social services": "director_of_adult_social_services",
    "director of public health": "director_of_public_health",
    "director of place": "director_of_place",
    "monitoring officer": "monitoring_officer",
}
MANAGERS_WORK_ON = {"peerformercouncil", "declaredinterest"}  # parts of a peer's record
ADMINS_ONLY = {"specialism"}  # the list itself, like the challenge types


def _words(text):
    return " ".join(text.replace("’", "'").lower().split())


def forwards(apps, schema_editor):
    Specialism = apps.get_model("workflow", "Specialism")
    Peer = apps.get_model("workflow", "Peer")
    for slug, name, description in SPECIALISMS:
        Specialism.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    known = {s.slug: s for s in Specialism.objects.all()}
    known |= {_words(s.name): s for s in list(known.values())}
    for peer in Peer.objects.all():
        for text in peer.legacy_specialisms or []:
            if not isinstance(text, str) or not text.strip():
                continue
            specialism = known.get(_words(text)) or known.get(slugify(text)[:60])
            if specialism is None:
                specialism = Specialism.objects.create(
                    slug=slugify(text)[:60] or f"specialism-{len(known)}", name=text.strip()[:100]
                )
                known[specialism.slug] = known[_words(text)] = specialism
            peer.specialisms.add(specialism)
        if peer.kind == "member":
            peer.political_group = GROUPS.get(_words(peer.political_group), "other")
            peer.officer_role = ""
        else:
            peer.political_group = ""
            role = ROLES.get(_words(peer.job_title))
            if role:
                peer.officer_role, peer.job_title = role, ""
            else:
                peer.officer_role = "other"
                peer.job_title = peer.job_title.strip() or "Not recorded"
        peer.save(update_fields=["political_group", "officer_role", "job_title"])
    _grant_permissions(apps)


def _grant_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("workflow")
    app_config.models_module = True  # permissions are normally made after migrate
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    models = MANAGERS_WORK_ON | ADMINS_ONLY
    perms = Permission.objects.filter(content_type__app_label="workflow", content_type__model__in=models)
    view = perms.filter(codename__startswith="view_")
    work = perms.filter(content_type__model__in=MANAGERS_WORK_ON)
    # Exactly these: on a new database 0003 has already granted managers every add_ and
    # change_ permission of today's models, the list of specialisms included.
    for name, granted in (("manager", [*view, *work]), ("programme lead", view), ("admin", perms)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*perms)
            group.permissions.add(*granted)


def backwards(apps, schema_editor):
    Peer = apps.get_model("workflow", "Peer")
    # The first spelling of each is the one written back.
    labels = {value: words.title() for words, value in reversed(GROUPS.items())}
    labels["reform_uk"], labels["other"] = "Reform UK", ""
    titles = {value: words.capitalize() for words, value in reversed(ROLES.items())}
    for peer in Peer.objects.prefetch_related("specialisms"):
        peer.legacy_specialisms = [s.name for s in peer.specialisms.all()]
        peer.political_group = labels.get(peer.political_group, peer.political_group)
        if peer.officer_role and not peer.job_title:
            peer.job_title = titles.get(peer.officer_role, "")
        peer.save(update_fields=["legacy_specialisms", "political_group", "job_title"])


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0007_peer_pool'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
