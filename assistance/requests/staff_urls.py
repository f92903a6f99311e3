"""The program side of technical-assistance requests and the experts, under /staff/."""

from django.urls import path

from assistance.experts import staff_views as expert_views
from assistance.requests import staff_views

urlpatterns = [
    path("assistance/", staff_views.request_queue, name="assistance_queue"),
    path("assistance/mine/", staff_views.my_requests, name="assistance_mine"),
    path(
        "assistance/requests/<uuid:request_id>/",
        staff_views.request_detail,
        name="assistance_request",
    ),
    path(
        "assistance/requests/<uuid:request_id>/reply/",
        staff_views.request_reply,
        name="assistance_request_reply",
    ),
    path(
        "assistance/requests/<uuid:request_id>/assign/",
        staff_views.request_assign,
        name="assistance_request_assign",
    ),
    path(
        "assistance/requests/<uuid:request_id>/close/",
        staff_views.request_close,
        name="assistance_request_close",
    ),
    path(
        "assistance/requests/<uuid:request_id>/attachments/<uuid:attachment_id>/",
        staff_views.request_attachment,
        name="assistance_request_attachment",
    ),
    path("assistance/experts/", expert_views.expert_list, name="assistance_experts"),
    path(
        "assistance/experts/<uuid:expert_id>/end/",
        expert_views.expert_end,
        name="assistance_expert_end",
    ),
]
