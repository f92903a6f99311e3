from allauth.account.auth_backends import AuthenticationBackend


class LockoutAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, refusing accounts locked after repeated failed sign-ins."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "locked_at", None)
