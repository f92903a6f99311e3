from django.urls import path

from training import staff_views

urlpatterns = [
    path("courses/", staff_views.course_proposals, name="course_proposals"),
    path("courses/<uuid:course_id>/decide/", staff_views.course_decide, name="course_decide"),
]
