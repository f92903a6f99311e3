from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    """The training and technical-assistance initiative around the pledge: the resource
    library and events, technical-assistance requests answered by subject-matter experts,
    peer sites, newsletters and spotlights."""

    name = "assistance"
    verbose_name = "Training and technical assistance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.outbox import kinds
        from agencies.staff import register_staff_role
        from assistance.requests import emails, roles

        kinds.register(*emails.KINDS)
        register_staff_role(roles.EXPERT_ROLE)
        roles.register_panels()
