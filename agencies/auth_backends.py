"""Sign-in with allauth, and the signed-in user read from the cache on each request.

Django's session authentication loads the user on every request; this backend keeps the
user's row in the cache and forgets it on every save or deletion of the user
(agencies.signals). The session is still checked against the password's hash as Django
always does, so a password changed elsewhere (a save) ends the other sessions on their next
request, and a deactivated account is signed out on its next request.
"""

from __future__ import annotations

import hashlib

from allauth.account.auth_backends import AuthenticationBackend
from django.db import DEFAULT_DB_ALIAS

from agencies.models import User
from onemind.cache import cached, forget

# Kept a minute at most: a change made while Redis could not be told to forget (an outage)
# or read just before it committed (a race) is seen within a minute, a password change
# ending the account's other sessions with it. A signed-in user's pages come in bursts, so a
# minute still answers most requests from the cache.
USER_CACHE_SECONDS = 60


# What the cache keeps of the user: every column but the password's hash (an attacker who
# reads the cache learns no hash to crack), and instead the session hash Django checks.
CACHED_FIELDS = [f.attname for f in User._meta.concrete_fields if f.attname != "password"]


# Part of the key: a worker whose User has other columns (during a deploy that changes them)
# never reads an entry another wrote.
_LAYOUT = hashlib.sha256(" ".join(CACHED_FIELDS).encode()).hexdigest()[:12]


def _user_key(user_id) -> str:
    return f"signed-in-user:{_LAYOUT}:{user_id}"


def _user_entry(user_id) -> dict | None:
    user = User._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    return {
        "values": {name: getattr(user, name) for name in CACHED_FIELDS},
        "session_auth_hash": user.get_session_auth_hash(),
    }


def _user_from(entry: dict) -> User | None:
    """The user as the database holds it, its password left unread (read from the database
    if anything asks for it; a save writes only the columns read); None if the entry is not
    of this layout."""
    values = entry["values"]
    if list(values) != CACHED_FIELDS:
        return None
    user = User.from_db(DEFAULT_DB_ALIAS, CACHED_FIELDS, list(values.values()))
    user.kept_session_auth_hash = entry["session_auth_hash"]
    return user


class CachedUserBackend(AuthenticationBackend):
    """allauth's backend (sign-in by email and password), whose `get_user` (called by Django
    for each request of a session this backend signed in) reads the cache first."""

    def get_user(self, user_id):
        entry = cached(_user_key(user_id), lambda: _user_entry(user_id), USER_CACHE_SECONDS)
        user = _user_from(entry) if entry is not None else None
        if entry is not None and user is None:  # not this layout: read afresh
            user = User._default_manager.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def forget_signed_in_user(user_ids) -> None:
    """The users' rows changed or went: their next request reads them from the database."""
    forget([_user_key(pk) for pk in user_ids])
