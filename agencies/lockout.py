"""Failed sign-ins and locks (CJIS Security Policy AC-7).

Five failures for one address within any 15 minutes (a sliding window) lock the address.
Failures and locks live in the database, so every web process sees the same state and the
window runs on the application's clock; a success or a release clears the failures.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import SignInFailure, SignInLock


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def record_failure(email: str) -> int:
    """Count one failed sign-in; returns the failures within the window, this one included."""
    email = _normal(email)
    SignInFailure.objects.create(email=email)
    return failure_count(email)


def failure_count(email: str) -> int:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return SignInFailure.objects.filter(email=_normal(email), at__gt=since).count()


def clear_failures(email: str) -> None:
    SignInFailure.objects.filter(email=_normal(email)).delete()


def is_locked(email: str) -> bool:
    return SignInLock.objects.filter(email=_normal(email)).exists()


def lock(email: str) -> bool:
    """Lock the address; False when it was locked already."""
    try:
        with transaction.atomic():
            SignInLock.objects.create(email=_normal(email))
    except IntegrityError:
        return False
    return True


def unlock(email: str) -> bool:
    """Release the address and forget its failures; False when it was not locked."""
    email = _normal(email)
    clear_failures(email)
    deleted, _ = SignInLock.objects.filter(email=email).delete()
    return bool(deleted)


def purge_old_failures() -> int:
    """Failures older than the window no longer count; the nightly job removes them."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = SignInFailure.objects.filter(at__lte=since).delete()
    return deleted
