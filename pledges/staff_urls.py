from django.urls import path

from pledges import staff_views

urlpatterns = [
    path("rules/", staff_views.rules_list, name="rules_list"),
]
