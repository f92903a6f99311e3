"""Program administrators keep the program's rules versions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from agencies.forms import add_service_error
from agencies.staff import ADMINISTER, staff_view
from pledges import services
from pledges.forms import RulesForm
from pledges.models import ProgramRules


@staff_view(ADMINISTER)
def rules_list(request):
    form = RulesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rules = services.rules_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{rules.name} takes effect on {rules.effective_on}.")
            return redirect("staff:rules_list")
    context = {"versions": ProgramRules.objects.select_related("created_by"), "form": form}
    return render(request, "staff/rules.html", context)
