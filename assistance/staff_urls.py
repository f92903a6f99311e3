"""The initiative's staff pages, under /staff/ (composed in onemind.urls)."""

urlpatterns: list = []
