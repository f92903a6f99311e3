"""The initiative's public pages (library, events, newsletters, spotlights), at the root."""

from assistance.newsletter import urls as newsletter_urls

urlpatterns = [*newsletter_urls.urlpatterns]
