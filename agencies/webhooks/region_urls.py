"""A region's webhook endpoints, under /r/<region_slug>/webhooks/."""

from django.urls import path

from agencies.webhooks import region_views as views

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="region_webhook_list"),
    path("webhooks/new/", views.endpoint_create, name="region_webhook_create"),
    path("webhooks/<uuid:endpoint_id>/", views.endpoint_edit, name="region_webhook_edit"),
    path(
        "webhooks/<uuid:endpoint_id>/delete/",
        views.endpoint_delete,
        name="region_webhook_delete",
    ),
    path("webhooks/<uuid:endpoint_id>/rotate/", views.secret_rotate, name="region_webhook_rotate"),
    path("webhooks/<uuid:endpoint_id>/test/", views.send_test_event, name="region_webhook_test"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/",
        views.delivery_log,
        name="region_webhook_deliveries",
    ),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/retry/",
        views.delivery_retry,
        name="region_webhook_delivery_retry",
    ),
]
