"""When a refresher is recommended after each record, derived from its course."""

from django.db import migrations, models

from onemind.lib.dates import add_months


def backfill(apps, schema_editor):
    """One update per course and completion date: there are few distinct dates."""
    Course = apps.get_model("training", "Course")
    TrainingRecord = apps.get_model("training", "TrainingRecord")
    for course in Course.objects.exclude(refresh_after_months=None):
        records = TrainingRecord.objects.filter(course=course)
        for day in records.values_list("completed_on", flat=True).distinct():
            records.filter(completed_on=day).update(
                refresher_due_on=add_months(day, course.refresh_after_months)
            )


class Migration(migrations.Migration):
    dependencies = [("training", "0002_seed_courses")]

    operations = [
        migrations.AddField(
            model_name="trainingrecord",
            name="refresher_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
