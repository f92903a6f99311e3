"""Peer-site pages of one agency, under /a/<agency_slug>/peers/."""

from django.urls import path

from assistance.peers import views

urlpatterns = [
    path("peers/", views.peer_list, name="peer_list"),
    path("peers/offer/", views.peer_offer, name="peer_offer"),
    path("peers/offer/withdraw/", views.peer_offer_withdraw, name="peer_offer_withdraw"),
    path("peers/requests/", views.peer_request_list, name="peer_request_list"),
    path(
        "peers/requests/<uuid:peer_request_id>/",
        views.peer_request_detail,
        name="peer_request_detail",
    ),
    path("peers/<uuid:peer_offer_id>/ask/", views.peer_request_create, name="peer_request_create"),
]
