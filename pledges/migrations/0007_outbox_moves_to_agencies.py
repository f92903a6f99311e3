from django.db import migrations

# The outbox moved down to `agencies`, so every app can send through it. Its table is
# renamed, rows and all; `agencies.0007_outbox_email_and_one_waiting_invitation` takes the
# model over from here.


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0006_certificate_records_identity"),
    ]
    run_before = [
        ("agencies", "0007_outbox_email_and_one_waiting_invitation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="outboxemail", table="agencies_outboxemail"),
            ],
            state_operations=[
                migrations.DeleteModel(name="OutboxEmail"),
            ],
        ),
    ]
