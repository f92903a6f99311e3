"""Technical-assistance requests and experts as the tests and the walks need them."""

import uuid
from datetime import timedelta

from django.utils import timezone

from agencies.documents import KNOWN_TYPES, check_upload
from agencies.models import Role
from assistance.experts.services import expert_add
from assistance.models import AssistanceRequest, Expert, Requirement
from assistance.requests.services import request_assign, request_open
from tests.factories import MembershipFactory, UserFactory
from tests.files import pdf


def expert_of(user=None, *, days: int = 30, expertise=(Requirement.PARTNERSHIP,)) -> Expert:
    """A live expert (a new account unless one is given) for `days` more days."""
    return expert_add(
        actor=UserFactory(),
        email=(user or UserFactory()).email,
        expertise=list(expertise),
        access_until=timezone.now() + timedelta(days=days),
    )


def request_of(
    agency, *, coordinator=None, expert: Expert | None = None, attachment: bool = False
) -> AssistanceRequest:
    """An open request of `agency` about its partnership, with a PDF attached if asked,
    assigned to `expert` if given."""
    coordinator = coordinator or MembershipFactory(agency=agency, role=Role.COORDINATOR).user
    files = [check_upload(pdf("draft-mou.pdf"), KNOWN_TYPES)] if attachment else []
    opened = request_open(
        agency=agency,
        actor=coordinator,
        requirement=Requirement.PARTNERSHIP,
        subject="No crisis center within 60 miles",
        tried="We asked the county CSB; they have no staff for an MOU this year.",
        token=uuid.uuid4(),
        attachments=files,
    )
    if expert is not None:
        opened = request_assign(request=opened, actor=UserFactory(), expert=expert)
    return opened
