"""The expert role as a permission: a small authentication backend that grants
`assistance.answer_requests` to an account while its expert access lasts.

It authenticates nobody (sign-in stays allauth's); it only answers `has_perm`. The access
is read once per request's user object, and its end is compared with the clock on every
question, so access ends at `access_until` to the second."""

from django.contrib.auth.backends import BaseBackend
from django.utils import timezone

from assistance.models import ANSWER_REQUESTS, Expert


def live_expert(user) -> Expert | None:
    """The user's expert role while it lasts, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_assistance_expert"):
        user._assistance_expert = Expert.objects.filter(user=user, ended_at__isnull=True).first()
    expert = user._assistance_expert
    return expert if expert is not None and expert.is_live(timezone.now()) else None


class ExpertBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm == ANSWER_REQUESTS and live_expert(user_obj) is not None
