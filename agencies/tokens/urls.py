"""The agency's API tokens, under /a/<agency_slug>/api-tokens/."""

from django.urls import path

from agencies.tokens import views

urlpatterns = [
    path("api-tokens/", views.token_list, name="api_token_list"),
    path("api-tokens/<uuid:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
