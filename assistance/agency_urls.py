"""The initiative's pages of one agency, under /a/<agency_slug>/ (technical-assistance
requests, peer sites)."""

from assistance.peers import urls as peer_urls

urlpatterns: list = [*peer_urls.urlpatterns]
