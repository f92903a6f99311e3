"""The initiative's staff pages, under /staff/ (composed in onemind.urls)."""

from assistance.library import staff_urls as library_staff_urls

urlpatterns = [*library_staff_urls.urlpatterns]
