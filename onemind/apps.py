from django.contrib.admin.apps import AdminConfig


class OneMindAdminConfig(AdminConfig):
    default_site = "onemind.admin.OneMindAdminSite"

    def ready(self) -> None:
        super().ready()
        from onemind import checks  # noqa: F401 - registers the deployment checks
