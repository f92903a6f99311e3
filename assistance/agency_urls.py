"""The initiative's pages of one agency, under /a/<agency_slug>/ (technical-assistance
requests, peer sites)."""

urlpatterns: list = []
