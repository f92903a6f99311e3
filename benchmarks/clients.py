"""Readers the benchmarks sign in: the same reviewer for every staff page timed, and a test
client whose session passed sign-in (and MFA, for staff) as a real one would."""

from __future__ import annotations

import time


def bench_reviewer():
    """The benchmarks' program reviewer, with an authenticator (made once, then reused)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from agencies.models import User
    from agencies.staff import REVIEWER_GROUP

    reviewer, _ = User.objects.get_or_create(email="bench-reviewer@example.org")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    if not Authenticator.objects.filter(user=reviewer).exists():
        TOTP.activate(reviewer, generate_totp_secret())
    return reviewer


def signed_in(user, *, mfa: bool = False):
    """A test client with `user` signed in (with MFA passed, for staff)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)  # whose records they are
    session.save()
    return client
