"""The rules the campaign worded between the original and the current ones: "MHFA or
equivalent for 100%, CIT or equivalent for 20%".

Neither the campaign's original page nor its current one dates this wording, only "about
2019–2022", so the dates are chosen: it takes effect on 1 January 2019 and gives way to the
current rules, which take effect on 1 January 2023 (seeded by 0003). The minimum is a share
of everyone in scope and only current training counts, as in the other two versions.

A pledge holds its rules version, so pledges signed before this migration keep the version
they were signed under; and since every pledge is signed on its own day (never back-dated),
a pledge signed from 2023 on is under the current rules whatever is seeded before them.
"""

import datetime

from django.db import migrations

RULES = {
    "name": "2019–2022 rules",
    "effective_on": datetime.date(2019, 1, 1),
    "cit_minimum_percent": 20,
    "coverage_target_percent": 100,
    "coverage_mode": "mhfa_for_all",
    "equivalents_count": True,
    "cit_base": "in_scope",
    "training_must_be_current": True,
    "window_min_months": 12,
    "window_max_months": 36,
    "description": "Mental Health First Aid or equivalent for 100% of sworn officers and "
    "selected non-sworn staff, and Crisis Intervention Team or equivalent training for at "
    "least 20% of them.",
}


def seed(apps, schema_editor):
    ProgramRules = apps.get_model("pledges", "ProgramRules")
    ProgramRules.objects.update_or_create(name=RULES["name"], defaults=RULES)


def unseed(apps, schema_editor):
    apps.get_model("pledges", "ProgramRules").objects.filter(name=RULES["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0008_rules_cit_base_and_currency")]

    operations = [migrations.RunPython(seed, unseed)]
