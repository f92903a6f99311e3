from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.hooks import evidence_changed
        from agencies.outbox import kinds
        from pledges.emails import content
        from pledges.engine import evaluation_cache
        from pledges.import_effect import requirements_after_import
        from pledges.tasks import schedule_recompute
        from training.imports.effect import register_pledge_effect

        kinds.register(*content.KINDS)
        register_pledge_effect(requirements_after_import)

        def recompute_on_change(sender, agency, **kwargs) -> None:
            evaluation_cache.evidence_changed(agency.pk)
            schedule_recompute(agency.pk)

        evidence_changed.connect(
            recompute_on_change, weak=False, dispatch_uid="pledges.recompute_on_change"
        )
