"""The library's public pages, at the root: /resources/ and /events/."""

from django.urls import path

from assistance.library import views

urlpatterns = [
    path("resources/", views.library, name="library"),
    path("resources/<uuid:resource_id>/", views.library_resource, name="library_resource"),
    path(
        "resources/<uuid:resource_id>/file/",
        views.library_resource_file,
        name="library_resource_file",
    ),
    path("events/", views.event_list, name="event_list"),
    path("events.ics", views.events_feed, name="events_feed"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>.ics", views.event_ics, name="event_ics"),
]
