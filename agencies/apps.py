from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from agencies.signals import unlock_after_password_reset

        password_reset.connect(unlock_after_password_reset, dispatch_uid="unlock_after_reset")
