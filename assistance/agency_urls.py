"""The initiative's pages of one agency, under /a/<agency_slug>/ (technical-assistance
requests, peer sites)."""

from assistance.newsletter import agency_urls as newsletter_urls

urlpatterns = [*newsletter_urls.urlpatterns]
