"""An agency's consent to be featured, under /a/<agency_slug>/spotlight/."""

from django.urls import path

from assistance.newsletter import views

urlpatterns = [
    path("spotlight/", views.spotlight_consent, name="spotlight_consent"),
    path("spotlight/consent/", views.spotlight_consent_set, name="spotlight_consent_set"),
]
