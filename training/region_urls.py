"""Regional class pages of one region, under /r/<region_slug>/."""

from django.urls import path

from training.regional import views

urlpatterns = [
    path("classes/", views.regional_class_list, name="regional_class_list"),
    path("classes/new/", views.regional_class_create, name="regional_class_create"),
    path("classes/<uuid:class_id>/", views.regional_class_detail, name="regional_class_detail"),
    path(
        "classes/<uuid:class_id>/attendance-sheet/",
        views.regional_class_sheet,
        name="regional_class_sheet",
    ),
]
