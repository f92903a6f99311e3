"""The agency's API tokens, under /a/<agency_slug>/api-tokens/: its coordinator creates,
reads and revokes them. A new token's text is shown once, on the page the creation leads
to, and kept nowhere after."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from agencies.tokens import services
from agencies.tokens.forms import TokenForm
from agencies.tokens.models import ApiToken

NEW_TOKEN_SESSION_KEY = "onemind_new_api_token"  # noqa: S105 - a session key


@agency_view(Capability.MANAGE)
def token_list(request, agency_slug: str):
    agency = request.agency
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = services.token_create(
                agency=agency, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = [str(token.public_id), text]
            return redirect("api_token_list", agency_slug=agency.slug)
    new_id, new_text = request.session.pop(NEW_TOKEN_SESSION_KEY, [None, None])
    tokens = list(ApiToken.objects.select_related("created_by"))
    context = {
        "agency": agency,
        "form": form,
        "tokens": tokens,
        "new_token": next((t for t in tokens if str(t.public_id) == new_id), None),
        "new_text": new_text,
    }
    return render(request, "tokens/list.html", context)


@agency_view(Capability.MANAGE, methods=("POST",))
def token_revoke(request, agency_slug: str, token_id):
    token = get_object_or_404(ApiToken.objects, public_id=token_id)
    try:
        services.token_revoke(agency=request.agency, actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name},
        )
    return redirect("api_token_list", agency_slug=request.agency.slug)
