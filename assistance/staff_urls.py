"""The initiative's staff pages, under /staff/ (composed in onemind.urls)."""

from assistance.library import staff_urls as library_urls
from assistance.newsletter import staff_urls as newsletter_urls
from assistance.requests import staff_urls as request_urls

urlpatterns = [
    *request_urls.urlpatterns,
    *library_urls.urlpatterns,
    *newsletter_urls.urlpatterns,
]
