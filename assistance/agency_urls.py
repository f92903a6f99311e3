"""The initiative's pages of one agency, under /a/<agency_slug>/ (technical-assistance
requests, peer sites)."""

from assistance.requests import urls as request_urls

urlpatterns = [*request_urls.urlpatterns]
