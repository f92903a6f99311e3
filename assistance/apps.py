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
        from assistance.newsletter import emails as newsletter_emails
        from assistance.newsletter import tasks as newsletter_tasks  # noqa: F401 - registers them
        from assistance.peers import emails as peer_emails
        from assistance.requests import emails as request_emails
        from assistance.requests import roles

        kinds.register(*request_emails.KINDS, *peer_emails.KINDS, *newsletter_emails.KINDS)
        register_staff_role(roles.EXPERT_ROLE)
        roles.register_panels()
