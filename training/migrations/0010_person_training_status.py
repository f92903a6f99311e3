"""Each person's training status, stored on their row (`training.status`): the last day
they hold counted CIT and MHFA through and when their next refresher falls due, filled in
here from the records already held, in one statement."""

from django.db import migrations, models

# As `training.status` writes them, written out here so that this step stays as it ran.
FOREVER = "9999-12-31"
CIT_KINDS = ("cit", "cit_equivalent")
MHFA_KINDS = ("mhfa", "mhfa_equivalent")


def fill_in(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    person, record, course = (
        quote(apps.get_model("training", name)._meta.db_table)
        for name in ("Person", "TrainingRecord", "Course")
    )
    schema_editor.execute(
        f"""
        UPDATE {person}
        SET cit_until = held.cit_until, mhfa_until = held.mhfa_until,
            refresher_due_on = held.refresher_due_on
        FROM (
            SELECT r.person_id,
                MAX(CASE WHEN c.status = 'approved' AND c.kind IN (%s, %s)
                    THEN COALESCE(r.valid_until, %s) END) AS cit_until,
                MAX(CASE WHEN c.status = 'approved' AND c.kind IN (%s, %s)
                    THEN COALESCE(r.valid_until, %s) END) AS mhfa_until,
                MAX(r.refresher_due_on) AS refresher_due_on
            FROM {record} r JOIN {course} c ON c.id = r.course_id
            GROUP BY r.person_id
        ) held
        WHERE {person}.id = held.person_id
        """,  # noqa: S608 - table names are ours
        [*CIT_KINDS, FOREVER, *MHFA_KINDS, FOREVER],
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0009_api_record_fields")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="cit_until",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="mhfa_until",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="refresher_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
