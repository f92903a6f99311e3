"""The initiative's public pages (library, events, newsletters, spotlights), at the root."""

urlpatterns: list = []
