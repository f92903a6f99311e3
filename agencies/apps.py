from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from allauth.mfa import signals as mfa_signals

        from agencies import signals

        password_reset.connect(signals.unlock_after_password_reset, dispatch_uid="unlock_reset")
        mfa_signals.authenticator_added.connect(signals.authenticator_added, dispatch_uid="mfa_add")
        mfa_signals.authenticator_removed.connect(
            signals.authenticator_removed, dispatch_uid="mfa_remove"
        )
