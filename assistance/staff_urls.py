"""The initiative's staff pages, under /staff/ (composed in onemind.urls)."""

from assistance.requests import staff_urls as request_staff_urls

urlpatterns = [*request_staff_urls.urlpatterns]
