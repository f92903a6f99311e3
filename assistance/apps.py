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
        from assistance.newsletter import emails as newsletter_emails
        from assistance.newsletter import tasks as newsletter_tasks  # noqa: F401 - registers them
        from assistance.peers import emails as peer_emails

        kinds.register(*peer_emails.KINDS, *newsletter_emails.KINDS)
