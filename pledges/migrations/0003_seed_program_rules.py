"""The program's two rules versions, as the campaign's own pages describe them."""

import datetime

from django.db import migrations

RULES = [
    {
        "name": "Original rules",
        "effective_on": datetime.date(2016, 1, 1),
        "cit_minimum_percent": 20,
        "coverage_target_percent": 100,
        "coverage_mode": "mhfa_for_all",
        "equivalents_count": False,
        "description": "Mental Health First Aid for Public Safety for 100% of sworn officers "
        "and selected non-sworn staff, and Crisis Intervention Team training for at least "
        "20% of them.",
    },
    {
        "name": "Current rules",
        "effective_on": datetime.date(2023, 1, 1),
        "cit_minimum_percent": 20,
        "coverage_target_percent": 100,
        "coverage_mode": "cit_or_mhfa",
        "equivalents_count": True,
        "description": "CIT or equivalent crisis response training for at least 20% of sworn "
        "officers and selected non-sworn staff, and MHFA or equivalent for the rest, so that "
        "100% are trained.",
    },
]


def seed(apps, schema_editor):
    ProgramRules = apps.get_model("pledges", "ProgramRules")
    for rules in RULES:
        ProgramRules.objects.update_or_create(
            name=rules["name"],
            defaults={**rules, "window_min_months": 12, "window_max_months": 36},
        )


def unseed(apps, schema_editor):
    names = [rules["name"] for rules in RULES]
    apps.get_model("pledges", "ProgramRules").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0002_pledge_rules_progress")]

    operations = [migrations.RunPython(seed, unseed)]
