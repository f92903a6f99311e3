"""Program staff roles as groups with permissions (never is_superuser)."""

from django.db import migrations

REVIEWER_PERMISSIONS = [("agency", "review_agencies")]
ADMINISTRATOR_PERMISSIONS = [
    ("agency", "review_agencies"),
    ("agency", "administer_program"),
    ("agency", "view_agency"),
    ("membership", "view_membership"),
    ("invitation", "view_invitation"),
    ("auditevent", "view_auditevent"),
    ("user", "view_user"),
    ("user", "change_user"),
    ("user", "add_user"),
]
NAMES = {
    "review_agencies": "Can review agencies, pledges and submissions",
    "administer_program": "Can administer program rules, courses and staff",
}


def permission(apps, model: str, codename: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="agencies", model=model)
    action, _, noun = codename.partition("_")
    name = NAMES.get(codename, f"Can {action} {noun}")
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return perm


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, perms in [
        ("Program reviewers", REVIEWER_PERMISSIONS),
        ("Program administrators", ADMINISTRATOR_PERMISSIONS),
    ]:
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(permission(apps, model, code) for model, code in perms))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Program reviewers", "Program administrators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
