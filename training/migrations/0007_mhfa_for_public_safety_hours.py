"""Mental Health First Aid for Public Safety is a 6.5-hour course now (the campaign's first
pages called it an eight-hour course, which the catalogue was seeded with). Only the program
catalogue's course changes: a training record keeps the hours its class took."""

from decimal import Decimal

from django.db import migrations

NAME = "Mental Health First Aid for Public Safety"


def six_and_a_half(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    Course.objects.filter(agency=None, name=NAME, kind="mhfa").update(hours=Decimal("6.5"))


def eight(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    Course.objects.filter(agency=None, name=NAME, kind="mhfa").update(hours=Decimal("8"))


class Migration(migrations.Migration):
    dependencies = [("training", "0006_import_values_and_free_text_position")]

    operations = [migrations.RunPython(six_and_a_half, eight)]
