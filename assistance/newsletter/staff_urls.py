"""Program staff's pages of newsletters and spotlights, under /staff/."""

from django.urls import path

from assistance.newsletter import staff_views as views

urlpatterns = [
    path("newsletters/", views.newsletter_list, name="newsletter_list"),
    path("newsletters/new/", views.newsletter_create, name="newsletter_create"),
    path("newsletters/<uuid:newsletter_id>/", views.newsletter_edit, name="newsletter_edit"),
    path(
        "newsletters/<uuid:newsletter_id>/items/",
        views.newsletter_items,
        name="newsletter_items",
    ),
    path(
        "newsletters/<uuid:newsletter_id>/preview/",
        views.newsletter_preview,
        name="newsletter_preview",
    ),
    path(
        "newsletters/<uuid:newsletter_id>/preview/email/",
        views.newsletter_preview_html,
        name="newsletter_preview_html",
    ),
    path("newsletters/<uuid:newsletter_id>/send/", views.newsletter_send, name="newsletter_send"),
    path("spotlights/", views.spotlight_list, name="spotlight_list"),
    path("spotlights/new/", views.spotlight_create, name="spotlight_create"),
    path("spotlights/<uuid:spotlight_id>/", views.spotlight_edit, name="spotlight_edit"),
]
