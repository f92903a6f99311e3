"""The program's course catalogue as the campaign describes it."""

from decimal import Decimal

from django.db import migrations

COURSES = [
    {
        "name": "Crisis Intervention Team (CIT) training",
        "kind": "cit",
        "hours": Decimal("40"),
        "validity_months": None,
        "refresh_after_months": 24,
        "provider": "Local CIT programs (see CIT International's program directory)",
        "description": "The 40-hour CIT course run with community mental-health partners.",
    },
    {
        "name": "Crisis Response and Intervention Training (CRIT)",
        "kind": "cit_equivalent",
        "hours": Decimal("40"),
        "validity_months": None,
        "refresh_after_months": 24,
        "provider": "Bureau of Justice Assistance (BJA)",
        "description": "BJA's free 40-hour CIT-equivalent curriculum.",
    },
    {
        "name": "Mental Health First Aid for Public Safety",
        "kind": "mhfa",
        "hours": Decimal("8"),
        "validity_months": 36,
        "refresh_after_months": None,
        "provider": "National Council for Mental Wellbeing",
        "description": "One-day course; certification is valid for three years.",
    },
]
REFRESHER = {
    "name": "CIT in-service refresher",
    "kind": "other",
    "hours": Decimal("8"),
    "validity_months": None,
    "refresh_after_months": 24,
    "provider": "Local CIT programs",
    "description": "Recommended at least every two years after CIT training.",
}


def seed(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for spec in COURSES:
        Course.objects.update_or_create(
            name=spec["name"], agency=None, defaults={**spec, "status": "approved"}
        )
    cit = Course.objects.get(kind="cit", agency=None)
    Course.objects.update_or_create(
        name=REFRESHER["name"],
        agency=None,
        defaults={**REFRESHER, "status": "approved", "refresher_of": cit},
    )


def unseed(apps, schema_editor):
    names = [spec["name"] for spec in COURSES] + [REFRESHER["name"]]
    apps.get_model("training", "Course").objects.filter(agency=None, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
