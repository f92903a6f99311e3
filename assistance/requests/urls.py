"""An agency's technical-assistance requests, under /a/<agency_slug>/assistance/."""

from django.urls import path

from assistance.requests import views

urlpatterns = [
    path("assistance/", views.request_list, name="assistance_request_list"),
    path("assistance/new/", views.request_create, name="assistance_request_create"),
    path("assistance/<uuid:request_id>/", views.request_detail, name="assistance_request_detail"),
    path(
        "assistance/<uuid:request_id>/reply/", views.request_reply, name="assistance_request_reply"
    ),
    path(
        "assistance/<uuid:request_id>/close/", views.request_close, name="assistance_request_close"
    ),
    path(
        "assistance/<uuid:request_id>/attachments/<uuid:attachment_id>/",
        views.request_attachment,
        name="assistance_request_attachment",
    ),
]
