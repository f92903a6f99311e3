"""Public pages of newsletters and spotlights, at the root."""

from django.urls import path

from assistance.newsletter import views

urlpatterns = [
    path("newsletters/", views.newsletter_archive, name="newsletter_archive"),
    path(
        "newsletters/subscription/",
        views.newsletter_subscription,
        name="newsletter_subscription",
    ),
    path(
        "newsletters/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("newsletters/<uuid:newsletter_id>/", views.newsletter_issue, name="newsletter_issue"),
    path("spotlights/", views.spotlight_list, name="spotlight_list"),
    path("spotlights/<uuid:spotlight_id>/", views.spotlight_detail, name="spotlight_detail"),
]
