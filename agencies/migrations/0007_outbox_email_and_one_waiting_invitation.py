import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

# The outbox's table was `pledges_outboxemail`; `pledges.0007_outbox_moves_to_agencies`
# (which runs before this) renames it, rows and all, and this takes the model over as it
# was, then lets a row go to an address without an account (an invitation).


def withdraw_duplicate_invitations(apps, schema_editor):
    """Before one waiting invitation per address is enforced: keep the newest of each."""
    Invitation = apps.get_model("agencies", "Invitation")
    newest: dict[tuple[int, str], int] = {}
    duplicates = []
    waiting = Invitation._base_manager.filter(accepted_at=None, revoked_at=None)
    for pk, agency_id, email in waiting.order_by("-created_at", "-pk").values_list(
        "pk", "agency_id", "email"
    ):
        if (agency_id, email) in newest:
            duplicates.append(pk)
        else:
            newest[(agency_id, email)] = pk
    Invitation._base_manager.filter(pk__in=duplicates).update(
        revoked_at=django.utils.timezone.now()
    )


def drop_emails_to_addresses(apps, schema_editor):
    """Going back: the outbox before this held emails to accounts only."""
    OutboxEmail = apps.get_model("agencies", "OutboxEmail")
    OutboxEmail._base_manager.filter(recipient=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=200, unique=True)),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("kind", models.CharField(max_length=30)),
                        ("context", models.JSONField(blank=True, default=dict)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting to be sent"),
                                    ("sending", "Being sent"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("skipped", "Not sent (no longer wanted)"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("claim_token", models.CharField(blank=True, max_length=32)),
                        ("claimed_until", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("message_id", models.CharField(blank=True, max_length=200)),
                        ("last_error", models.TextField(blank=True)),
                        (
                            "agency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="agencies.agency",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                condition=Q(("status__in", ["pending", "sending"])),
                                fields=["next_attempt_at"],
                                name="outbox_due",
                            ),
                            models.Index(
                                fields=["agency", "-created_at"], name="outbox_agency_created"
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterField(
            model_name="outboxemail",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="recipient_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddConstraint(
            model_name="outboxemail",
            constraint=models.CheckConstraint(
                condition=Q(("recipient__isnull", False)) | ~Q(("recipient_email", "")),
                name="outbox_has_recipient",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_emails_to_addresses),
        migrations.RunPython(withdraw_duplicate_invitations, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=Q(("accepted_at", None), ("revoked_at", None)),
                fields=("agency", "email"),
                name="invitation_one_waiting_per_address",
            ),
        ),
    ]
