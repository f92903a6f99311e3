"""Checks that a deployment is complete before it serves anyone."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

STATIC_BUILD = (
    "Static files have not been collected: run `python manage.py collectstatic --no-input` "
    "with the production settings (the Dockerfile does) before starting the server."
)


def missing_static_manifest() -> str | None:
    """The manifest file the hashed static storage needs, if it is expected and absent.

    Without it every page that names a stylesheet fails, so the sign-in page is a server
    error; better to refuse to start and say why.
    """
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if manifest_name is None or not settings.STORAGES["staticfiles"]["BACKEND"].endswith(
        "ManifestStaticFilesStorage"
    ):
        return None
    if staticfiles_storage.exists(manifest_name):
        return None
    return str(settings.STATIC_ROOT / manifest_name)


@register("onemind")
def static_manifest_check(app_configs, **kwargs) -> list[Error]:
    missing = missing_static_manifest()
    if missing is None:
        return []
    return [Error(STATIC_BUILD, hint=f"{missing} does not exist.", id="onemind.E001")]


def require_static_build() -> None:
    """Stops a web server from starting without its collected static files."""
    missing = missing_static_manifest()
    if missing is not None:
        raise ImproperlyConfigured(f"{STATIC_BUILD} ({missing} does not exist.)")


@register("onemind", deploy=True)
def webhooks_relaxed_check(app_configs, **kwargs) -> list:
    """Webhooks to private addresses or over http are for a receiver on a test machine."""
    from django.core.checks import Warning as CheckWarning

    relaxed = [
        name
        for name in ("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "WEBHOOKS_ALLOW_HTTP")
        if getattr(settings, name, False)
    ]
    if not relaxed:
        return []
    return [
        CheckWarning(
            f"{' and '.join(relaxed)} let webhooks reach this network's own services.",
            hint="Leave them unset in production (agencies/webhooks/network.py).",
            id="onemind.W101",
        )
    ]
