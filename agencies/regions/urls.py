"""Pages of one region, under /r/<region_slug>/. Object ids are random public ids."""

from django.urls import path

from agencies.regions import views

urlpatterns = [
    path("", views.region_home, name="region_home"),
]
