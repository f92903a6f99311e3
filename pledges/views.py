"""Pages of the pledges app under /a/<agency_slug>/: the crisis-response policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from pledges import policy, services
from pledges.forms import PolicyForm
from pledges.models import POLICY_ELEMENTS


@agency_view(Capability.VIEW, methods=("GET",))
def policy_detail(request, agency_slug: str):
    today = request.agency.today()
    versions = policy.versions(request.agency)
    current = policy.in_force(versions, today)
    context = {
        "current": current,
        "versions": versions,
        "finding": policy.finding(versions, today),
        "today": today,
    }
    return render(request, "pledges/policy_detail.html", context)


@agency_view(Capability.EDIT)
def policy_create(request, agency_slug: str):
    versions = policy.versions(request.agency)
    previous = versions[0] if versions else None
    initial = {}
    if previous:
        initial = {name: getattr(previous, name) for name, _ in POLICY_ELEMENTS}
        initial.update(title=previous.title, based_on_iacp_model=previous.based_on_iacp_model)
    form = PolicyForm(
        request.POST or None, request.FILES or None, previous=previous, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "document"}
        try:
            services.policy_adopt(
                agency=request.agency,
                actor=request.user,
                document=form.cleaned_data["document"],
                **fields,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The policy was recorded.")
            return redirect("policy_detail", agency_slug=agency_slug)
    return render(request, "pledges/policy_form.html", {"form": form, "previous": previous})
