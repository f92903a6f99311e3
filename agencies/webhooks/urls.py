"""The agency's webhook endpoints, under /a/<agency_slug>/webhooks/."""

from django.urls import path

from agencies.webhooks import views

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="webhook_list"),
    path("webhooks/new/", views.endpoint_create, name="webhook_create"),
    path("webhooks/<uuid:endpoint_id>/", views.endpoint_edit, name="webhook_edit"),
    path("webhooks/<uuid:endpoint_id>/delete/", views.endpoint_delete, name="webhook_delete"),
    path("webhooks/<uuid:endpoint_id>/rotate/", views.secret_rotate, name="webhook_rotate"),
    path("webhooks/<uuid:endpoint_id>/test/", views.send_test_event, name="webhook_test"),
    path("webhooks/<uuid:endpoint_id>/deliveries/", views.delivery_log, name="webhook_deliveries"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/retry/",
        views.delivery_retry,
        name="webhook_delivery_retry",
    ),
]
