import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")
application = get_asgi_application()

from onemind.checks import require_static_build  # noqa: E402 - needs Django set up

require_static_build()
