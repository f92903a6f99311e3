import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")
application = get_wsgi_application()

from onemind.checks import require_static_build  # noqa: E402 - needs Django set up

require_static_build()
