"""Program administrators' page of subject-matter experts: add one, end one's access."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.forms import add_service_error
from agencies.staff import ADMINISTER, staff_view
from assistance.experts import services
from assistance.experts.forms import ExpertForm
from assistance.models import Expert
from assistance.requests import queries


@staff_view(ADMINISTER)
def expert_list(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until = datetime.combine(
            data["access_until"], time.min, tzinfo=ZoneInfo(settings.PROGRAM_TIME_ZONE)
        )
        try:
            expert = services.expert_add(
                actor=request.user,
                email=data["email"],
                expertise=data["expertise"],
                access_until=until,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(email)s can answer requests.") % {"email": expert.user.email}
            )
            return redirect("staff:assistance_experts")
    context = {"form": form, "experts": list(queries.all_experts())}
    return render(request, "assistance/experts/list.html", context)


@staff_view(ADMINISTER)
@require_POST
def expert_end(request, expert_id):
    expert = get_object_or_404(Expert.objects.select_related("user"), public_id=expert_id)
    services.expert_end(actor=request.user, expert=expert)
    messages.success(request, _("%(email)s's access has ended.") % {"email": expert.user.email})
    return redirect("staff:assistance_experts")
