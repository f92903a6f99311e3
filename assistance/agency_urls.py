"""The initiative's pages of one agency, under /a/<agency_slug>/ (technical-assistance
requests, peer sites, the spotlight consent)."""

from assistance.newsletter import agency_urls as newsletter_urls
from assistance.peers import urls as peer_urls
from assistance.requests import urls as request_urls

urlpatterns = [
    *request_urls.urlpatterns,
    *peer_urls.urlpatterns,
    *newsletter_urls.urlpatterns,
]
