"""Two rules the program's pages leave open become fields: whose count the CIT minimum is a
share of, and whether a lapsed certificate counts. Every existing version keeps exactly what
it did: the minimum over everyone in scope, and only current training counting.

A progress snapshot records whom its CIT figure is a share of (`cit_total`); until now that
was always everyone in scope."""

from django.db import migrations, models
from django.db.models import F


def cit_over_everyone_in_scope(apps, schema_editor):
    ProgressSnapshot = apps.get_model("pledges", "ProgressSnapshot")
    ProgressSnapshot.objects.update(cit_total=F("in_scope"))


class Migration(migrations.Migration):
    dependencies = [("pledges", "0007_outbox_moves_to_agencies")]

    operations = [
        migrations.AddField(
            model_name="programrules",
            name="cit_base",
            field=models.CharField(
                choices=[
                    (
                        "in_scope",
                        "Everyone in scope: sworn officers and selected non-sworn staff",
                    ),
                    ("sworn", "Sworn officers only"),
                ],
                default="in_scope",
                max_length=10,
                verbose_name="CIT minimum counted over",
            ),
        ),
        migrations.AddField(
            model_name="programrules",
            name="training_must_be_current",
            field=models.BooleanField(
                default=True,
                help_text="Unticked, a certificate still counts after it lapses.",
                verbose_name="training must be current on the day",
            ),
        ),
        migrations.AddField(
            model_name="progresssnapshot",
            name="cit_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(cit_over_everyone_in_scope, migrations.RunPython.noop),
    ]
