"""Pledge pages of one agency, under /a/<agency_slug>/."""

from django.urls import path

from pledges import views

urlpatterns = [
    path("policy/", views.policy_detail, name="policy_detail"),
    path("policy/new/", views.policy_create, name="policy_create"),
]
