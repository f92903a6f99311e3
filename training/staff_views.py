"""Program administrators decide on the equivalent courses agencies propose."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from agencies.staff import ADMINISTER, staff_view
from training import queries, services
from training.forms import CourseDecisionForm
from training.models import Course


@staff_view(ADMINISTER)
@require_GET
def course_proposals(request):
    context = {"courses": list(queries.proposed_courses()), "form": CourseDecisionForm()}
    return render(request, "staff/courses.html", context)


@staff_view(ADMINISTER)
@require_POST
def course_decide(request, course_id):
    course = get_object_or_404(Course.objects.exclude(agency=None), public_id=course_id)
    form = CourseDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.course_decide(
                course=course,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{course.name}: {course.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose approve or reject.")
    return redirect("staff:course_proposals")
