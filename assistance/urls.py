"""The initiative's public pages (library, events, newsletters, spotlights), at the root."""

from assistance.library import urls as library_urls
from assistance.newsletter import urls as newsletter_urls

urlpatterns = [*library_urls.urlpatterns, *newsletter_urls.urlpatterns]
