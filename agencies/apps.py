from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, password_reset
        from allauth.mfa import signals as mfa_signals
        from allauth.mfa.models import Authenticator
        from celery.signals import after_task_publish
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from agencies import emails, health, signals
        from agencies.models import User
        from agencies.outbox import kinds

        kinds.register(*emails.KINDS)

        password_reset.connect(signals.unlock_after_password_reset, dispatch_uid="unlock_reset")
        email_confirmed.connect(signals.email_confirmed, dispatch_uid="release_unconfirmed")
        mfa_signals.authenticator_added.connect(signals.authenticator_added, dispatch_uid="mfa_add")
        mfa_signals.authenticator_removed.connect(
            signals.authenticator_removed, dispatch_uid="mfa_remove"
        )
        for relation in (User.groups, User.user_permissions, Group.permissions):
            m2m_changed.connect(
                signals.staff_standing_changed,
                sender=relation.through,
                dispatch_uid=f"staff_standing_{relation.through.__name__}",
            )
        for change in (post_save, post_delete):
            change.connect(signals.user_saved_or_deleted, sender=User, dispatch_uid="cached_user")
            change.connect(
                signals.authenticator_saved_or_deleted,
                sender=Authenticator,
                dispatch_uid="cached_mfa",
            )
        for model in (Group, Permission):
            pre_delete.connect(
                signals.group_or_permission_deleted,
                sender=model,
                dispatch_uid=f"staff_standing_{model.__name__}",
            )
        after_task_publish.connect(health.heartbeat_sent, dispatch_uid="beat_heartbeat")

        from allauth.socialaccount.signals import social_account_added

        from agencies.sso.adapter import account_connected

        social_account_added.connect(account_connected, dispatch_uid="sso_account_connected")
