from django.contrib.admin.apps import AdminConfig


class OneMindAdminConfig(AdminConfig):
    default_site = "onemind.admin.OneMindAdminSite"
