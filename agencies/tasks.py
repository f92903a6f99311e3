from celery import shared_task
from django.core.management import call_command

from agencies import documents, health, lockout
from agencies.emails import send_templated_email
from agencies.models import Heartbeat, Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    """Email the invitation link (sent after the invitation's transaction commits)."""
    from agencies.services import invitation_token

    invitation = Invitation.all_agencies.select_related("agency", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_open:
        return
    send_templated_email(
        "emails/invitation",
        to=invitation.email,
        context={
            "invitation": invitation,
            "agency": invitation.agency,
            "path": f"/invitations/{invitation_token(invitation)}/",
        },
    )


@shared_task
def purge_expired_sessions() -> None:
    """Nightly housekeeping: expired sessions and sign-in failures outside the window."""
    call_command("clearsessions")
    lockout.purge_old_failures()


@shared_task
def sweep_orphan_documents() -> int:
    """Nightly housekeeping: files whose document's transaction rolled back."""
    return documents.sweep_orphans()


@shared_task
def heartbeat() -> None:
    """Every minute from beat: a worker ran it, so a worker runs (see agencies.health)."""
    health.record_heartbeat(Heartbeat.Process.WORKER)
