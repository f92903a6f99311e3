"""The library's staff pages, under /staff/library/ (in the `staff` namespace)."""

from django.urls import path

from assistance.library import staff_views

urlpatterns = [
    path("library/", staff_views.resource_list, name="library_resources"),
    path("library/new/", staff_views.resource_create, name="library_resource_create"),
    path("library/<uuid:resource_id>/", staff_views.resource_edit, name="library_resource_edit"),
    path("library/events/", staff_views.event_list, name="library_events"),
    path("library/events/new/", staff_views.event_create, name="library_event_create"),
    path("library/events/<uuid:event_id>/", staff_views.event_edit, name="library_event_edit"),
]
