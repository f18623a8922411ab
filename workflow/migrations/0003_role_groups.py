from django.contrib.auth.management import create_permissions
from django.db import migrations

# Roles are Django groups (workflow/roles.py). Admin-site permissions follow the role: managers
# work cases, programme leads only look, admins also manage reference data. Peers use the API.
APPS = ("workflow", "notifications")
READ_ONLY_FOR_MANAGERS = {"council", "caseevent", "challengetype"}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():  # permissions are normally made after migrate
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    perms = Permission.objects.filter(content_type__app_label__in=APPS)
    view = perms.filter(codename__startswith="view_")
    work = perms.filter(codename__regex=r"^(add|change)_").exclude(
        content_type__model__in=READ_ONLY_FOR_MANAGERS
    )
    Group.objects.get_or_create(name="manager")[0].permissions.set([*view, *work])
    Group.objects.get_or_create(name="programme lead")[0].permissions.set(view)
    Group.objects.get_or_create(name="admin")[0].permissions.set(perms)
    Group.objects.get_or_create(name="peer")


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_load_reference_data"),
        ("notifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
