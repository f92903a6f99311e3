"""The staff area fails closed: every URL under /staff/, for everyone who may ask for it.

The URL patterns are walked from the resolver, so a new staff page is covered the day it is
added: it is expected open to reviewers unless it is listed below as administrators' only,
and a new kind of object id in its URL, or a new page that writes, fails here until it is
given a maker or a body below. What each person should get is written here, not read from
the views' declarations, so a page declared with the wrong permission fails too.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, include, path, reverse
from django.utils import timezone

import onemind.urls
from agencies import lockout
from agencies import staff_urls as agency_staff_urls
from agencies.models import AuditEvent, OutboxEmail, OutboxStatus, RegionKind, Role, User
from agencies.outbox.services import Letter, outbox_add
from agencies.staff import ADMINISTER, REVIEW, staff_view
from assistance import staff_urls as assistance_staff_urls
from assistance.models import Expert, RequestAttachment
from pledges import staff_urls as pledge_staff_urls
from pledges.models import EmailKind
from tests.assistance.library.objects import make_event, make_resource
from tests.assistance.newsletter import objects as newsletters
from tests.assistance.objects import expert_of, request_of
from tests.conftest import login, with_totp
from tests.factories import (
    AgencyFactory,
    DocumentFactory,
    MemberAgencyFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
    certificate_of,
    submission_of,
)
from tests.forms import new_rules
from tests.sso.objects import sso_connection
from training import staff_urls as training_staff_urls
from training.models import Course

# Pages only program administrators may open; every other staff page is for reviewers too.
ADMINISTRATOR_PAGES = {
    "staff:locked_accounts",
    "staff:account_unlock",
    "staff:course_proposals",
    "staff:course_decide",
    "staff:rules_list",
    "staff:sso_connections",
    "staff:sso_review",
    "staff:assistance_experts",
    "staff:assistance_expert_end",
}

# Pages that open before the session has passed MFA: the one that asks for it.
BEFORE_MFA_PAGES = {"staff:mfa_required"}


def failed_email() -> OutboxEmail:
    """A staff digest the outbox gave up sending."""
    recipient = UserFactory()
    with transaction.atomic():
        outbox_add([Letter(EmailKind.STAFF_DIGEST, recipient.pk, None, "2026-W49", {})])
    email = OutboxEmail.objects.get(recipient=recipient)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.FAILED, attempts=5)
    return email


def locked_account() -> int:
    user = UserFactory()
    lockout.lock(user.email)
    return user.pk


def proposed_course() -> Course:
    """An agency's own course, awaiting an administrator's decision."""
    return Course.objects.create(
        name="Own crisis course", kind="mhfa_equivalent", hours=8, agency=AgencyFactory()
    )


# The subject-matter expert the walk's requests are assigned to (the "expert" personas).
ASSIGNED_EXPERT = "expert@onemind.example"
_made = {}


def assigned_expert() -> User:
    """The walk's expert (live, made on first use)."""
    user = User.objects.filter(email=ASSIGNED_EXPERT).first()
    return user or expert_of(UserFactory(email=ASSIGNED_EXPERT)).user


def assigned_request():
    """An agency's request with a document attached, assigned to the walk's expert."""
    expert = Expert.objects.get(user=assigned_expert(), ended_at__isnull=True)
    _made["request"] = request_of(AgencyFactory(), expert=expert, attachment=True)
    return _made["request"].public_id


def its_attachment():
    """The attachment of the request just made (its id comes first in the URL)."""
    return RequestAttachment.all_agencies.get(request=_made["request"]).public_id


# How to make a real object for each id a staff URL can carry.
OBJECT_MAKERS = {
    "request_id": assigned_request,
    "attachment_id": its_attachment,
    "expert_id": lambda: expert_of().public_id,
    "user_id": locked_account,
    "agency_id": lambda: submission_of(AgencyFactory()).agency.public_id,
    "course_id": lambda: proposed_course().public_id,
    "submission_id": lambda: submission_of(AgencyFactory()).public_id,
    "document_id": lambda: DocumentFactory().public_id,
    "certificate_id": lambda: certificate_of(AgencyFactory()).public_id,
    "email_id": lambda: failed_email().public_id,
    "region_id": lambda: MemberAgencyFactory().region.public_id,
    "connection_id": lambda: sso_connection().public_id,
    "resource_id": lambda: make_resource().public_id,
    "event_id": lambda: make_event().public_id,
    "newsletter_id": lambda: newsletters.draft().public_id,
    "spotlight_id": lambda: newsletters.spotlight().public_id,
}


def retry_all_body() -> dict:
    failed_email()
    return {}


LIBRARY_RESOURCE = {
    "title": "Model policy on response to people in crisis",
    "kind": "model_policy",
    "requirements": ["policy"],
    "url": "https://example.org/model-policy",
    "status": "published",
}
LIBRARY_EVENT = {
    "title": "Co-responders in rural counties",
    "kind": "webinar",
    "starts": "2030-03-10T13:00",
    "ends": "2030-03-10T14:30",
    "time_zone": "America/Chicago",
    "status": "published",
}


# For each page that writes, a body it acts on (each writes an audit event, as every
# service does): refused, the same body must change nothing.
WRITES = {
    "staff:agency_verify": lambda: {"verify": str(AgencyFactory().public_id)},
    "staff:region_verify": lambda: {"verify": str(RegionFactory(verified=False).public_id)},
    "staff:region_create": lambda: {
        "name": "Shenandoah Valley Crisis Collaborative",
        "kind": RegionKind.COUNTY_COLLABORATIVE,
        "country": "US",
        "state": "VA",
        "coordinator_email": "lead@shenandoah.example",
    },
    "staff:account_unlock": dict,
    "staff:course_decide": lambda: {"decision": "approve"},
    "staff:review_detail": lambda: {"decision": "approve"},
    "staff:certificate_revoke": lambda: {"reason": "Issued to the wrong agency name."},
    "staff:rules_list": new_rules,
    "staff:outbox_retry": dict,
    "staff:outbox_retry_failed": retry_all_body,
    "staff:digest_preference": lambda: {"weekly_digest": "on"},
    "staff:sso_review": lambda: {"decision": "approve"},
    "staff:library_resource_create": lambda: LIBRARY_RESOURCE,
    "staff:library_resource_edit": lambda: {**LIBRARY_RESOURCE, "status": "retired"},
    "staff:library_event_create": lambda: LIBRARY_EVENT,
    "staff:library_event_edit": lambda: {**LIBRARY_EVENT, "title": "Co-responders, part 2"},
    "staff:newsletter_create": lambda: {"subject": "January news", "intro": "Happy new year."},
    "staff:newsletter_edit": lambda: {"subject": "December news, corrected", "intro": "Hello."},
    "staff:newsletter_items": lambda: {
        "action": "add",
        "resource": str(newsletters.resource().public_id),
    },
    "staff:newsletter_send": lambda: {"confirm": "on"},
    "staff:spotlight_create": lambda: {
        "agency": str(newsletters.featured_agency().public_id),
        "title": "A county that answers crisis calls together",
        "body": "The story.",
        "published": "on",
    },
    "staff:spotlight_edit": lambda: {"title": "Retitled", "body": "The story.", "published": ""},
    "staff:assistance_request_reply": lambda: {
        "body": "Try the state's crisis line as the partner.",
        "token": "6f1d1c1e-8a3b-4a59-9a55-0a0d5b3e9c11",
    },
    "staff:assistance_request_assign": lambda: {"expert": str(expert_of().public_id)},
    "staff:assistance_request_close": lambda: {"outcome": "referred", "outcome_note": "To CSB."},
    "staff:assistance_experts": lambda: {
        "email": UserFactory().email,
        "expertise": ["cit"],
        "access_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
    },
    "staff:assistance_expert_end": dict,
}


def staff_patterns(patterns=None, prefix="", namespaces=()):
    """(name, route) of every URL in the `staff` namespace or under /staff/."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from staff_patterns(entry.url_patterns, route, inner)
        elif "staff" in namespaces or route.startswith("staff/"):
            assert entry.name and "staff" in namespaces, f"{route} needs a name in `staff`"
            yield ":".join([*namespaces, entry.name]), route


STAFF_URLS = sorted(set(staff_patterns()))
STAFF_NAMES = {name for name, _ in STAFF_URLS}


def test_the_walk_finds_the_staff_pages():
    assert {
        "staff:dashboard",
        "staff:mfa_required",
        "staff:audit",
        "staff:account_unlock",
        "staff:course_decide",
        "staff:review_detail",
        "staff:agency_detail",
        "staff:outbox_retry",
    } <= STAFF_NAMES


@pytest.mark.parametrize(
    "app_urls", [agency_staff_urls, training_staff_urls, pledge_staff_urls, assistance_staff_urls]
)
def test_the_walk_covers_every_apps_staff_urls(app_urls):
    names = {f"staff:{pattern.name}" for pattern in app_urls.urlpatterns}
    assert names and names <= STAFF_NAMES


def test_the_lists_above_name_only_staff_pages():
    assert ADMINISTRATOR_PAGES | BEFORE_MFA_PAGES | set(WRITES) <= (STAFF_NAMES)


def url_for(name, route):
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    unknown = set(params) - set(OBJECT_MAKERS)
    assert not unknown, f"{name}: add a maker for {unknown} to OBJECT_MAKERS"
    return reverse(name, kwargs={p: OBJECT_MAKERS[p]() for p in params})


# Who asks, and what they get.

SIGN_IN, MFA, REFUSED, ALLOWED = "sent to sign in", "sent to MFA", "refused", "allowed"
NOT_FOUND = "not found"
STAFF_PERMISSIONS = {"reviewer": {REVIEW}, "administrator": {REVIEW, ADMINISTER}}

# Subject-matter experts: the expert the request is assigned to, another expert, and the
# assigned expert once their access has ended. An expert holds one permission, for the
# pages below (and the one that asks for MFA); every other staff page refuses them (403).
# The request's own pages find the request through the query that fails closed, so for an
# expert it is not assigned to they answer 404, as for a request that does not exist (a 403
# would tell them it does); an expert whose access ended holds no permission any more: 403.
EXPERTS = {"expert", "unassigned expert", "expired expert"}
EXPERT_PAGES = {
    "staff:assistance_mine",
    "staff:assistance_request",
    "staff:assistance_request_reply",
    "staff:assistance_request_attachment",
}
REQUEST_PAGES = EXPERT_PAGES - {"staff:assistance_mine"}


@dataclass(frozen=True)
class Persona:
    who: str  # "anonymous", "stranger", an agency role, "reviewer" or "administrator"
    mfa: bool = False  # whether the session passed MFA

    def __str__(self):
        if self.who in STAFF_PERMISSIONS:
            return self.who if self.mfa else f"{self.who} without MFA"
        return f"{self.who} with MFA" if self.mfa else self.who

    def sign_in(self, client, request):
        if self.who in STAFF_PERMISSIONS:
            user = request.getfixturevalue(self.who)
        elif self.who in EXPERTS:
            user = self.expert()
        elif self.who in Role.values:
            user = MembershipFactory(agency=AgencyFactory(), role=self.who).user
        elif self.who == "stranger":
            user = UserFactory()
        else:
            return
        if self.mfa and not hasattr(user, "totp_secret"):
            with_totp(user)
        login(client, user, mfa=self.mfa)

    def expert(self):
        """The expert's account; the assigned one is the expert of the URL's request."""
        if self.who == "unassigned expert":
            return with_totp(expert_of().user)
        assigned = assigned_expert()
        if self.who == "expired expert":
            Expert.objects.filter(user=assigned).update(access_until=timezone.now())
        return with_totp(assigned)

    def expects(self, name):
        if self.who == "anonymous":
            return SIGN_IN
        if self.who in EXPERTS:
            return self.expert_expects(name)
        needed = ADMINISTER if name in ADMINISTRATOR_PAGES else REVIEW
        if needed not in STAFF_PERMISSIONS.get(self.who, set()):
            return REFUSED
        if not self.mfa and name not in BEFORE_MFA_PAGES:
            return MFA
        return ALLOWED

    def expert_expects(self, name):
        if self.who == "expired expert" or name not in EXPERT_PAGES | BEFORE_MFA_PAGES:
            return REFUSED
        if not self.mfa and name not in BEFORE_MFA_PAGES:
            return MFA
        if self.who == "unassigned expert" and name in REQUEST_PAGES:
            return NOT_FOUND
        return ALLOWED


PERSONAS = [
    Persona("anonymous"),
    Persona("stranger"),
    *(Persona(role) for role in Role.values),
    # A second factor makes nobody staff.
    Persona(Role.COORDINATOR, mfa=True),
    Persona("stranger", mfa=True),
    Persona("reviewer"),
    Persona("administrator"),
    Persona("reviewer", mfa=True),
    Persona("administrator", mfa=True),
    Persona("expert"),
    Persona("expert", mfa=True),
    Persona("unassigned expert", mfa=True),
    Persona("expired expert", mfa=True),
]


def answer(response, url):
    """What the response tells the person, from the staff area's point of view."""
    back = urlencode({"next": url})
    location = response.get("Location", "")
    if response.status_code == 302 and location == f"{reverse('account_login')}?{back}":
        return SIGN_IN
    if response.status_code == 302 and location == f"{reverse('staff:mfa_required')}?{back}":
        return MFA
    if response.status_code == 403:
        return REFUSED
    assert response.status_code < 500, f"{url}: {response.status_code}"
    return ALLOWED


def cases(admitted: bool):
    return [
        pytest.param(name, route, persona, id=f"{name}-{persona}")
        for name, route in STAFF_URLS
        for persona in PERSONAS
        if (persona.expects(name) == ALLOWED) == admitted
    ]


def turned_away(response, url, expected) -> bool:
    """The answer expected; for a request's page that does not take the method (405), the
    same for a request one may open or not: it says nothing of the request."""
    if expected == NOT_FOUND:
        return response.status_code in {404, 405}
    return answer(response, url) == expected


@pytest.mark.parametrize(("name", "route", "persona"), cases(admitted=False))
def test_staff_pages_turn_away_whoever_they_are_not_for(client, db, request, name, route, persona):
    url = url_for(name, route)
    body = WRITES.get(name, dict)()
    persona.sign_in(client, request)
    events = AuditEvent.objects.count()

    expected = persona.expects(name)
    assert turned_away(client.get(url), url, expected)
    assert turned_away(client.post(url, body), url, expected)

    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("name", "route", "persona"), cases(admitted=True))
def test_staff_pages_open_to_the_staff_they_are_for(client, db, request, name, route, persona):
    url = url_for(name, route)
    persona.sign_in(client, request)

    read = client.get(url)
    # 202: a PDF the worker is preparing; 405: a page that takes a POST only.
    assert read.status_code in {200, 202, 405}, f"GET {url}: {read.status_code}"
    assert answer(client.post(url), url) == ALLOWED  # an empty form: never a server error


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_body_above_writes_when_an_administrator_sends_it(client, administrator, name):
    """So that the refusals above, with these bodies, show that a refusal changed nothing."""
    url = url_for(name, dict(STAFF_URLS)[name])
    body = WRITES[name]()
    login(client, administrator, mfa=True)
    events = AuditEvent.objects.count()

    response = client.post(url, body)

    assert response.status_code == 302, f"POST {url}: {response.status_code}"
    assert AuditEvent.objects.count() > events


@pytest.mark.parametrize(("name", "route"), STAFF_URLS)
def test_every_page_that_takes_a_post_has_a_body_above(client, administrator, name, route):
    login(client, administrator, mfa=True)
    if client.post(url_for(name, route)).status_code != 405:
        assert name in WRITES, f"{name}: add it to WRITES"


# A page added to the staff area without saying whom it is for.


def undeclared(request):
    return HttpResponse("Every agency's secrets")


@staff_view(ADMINISTER)
def declared_elsewhere(request):
    return HttpResponse("Administrators' page")


urlpatterns = [
    *onemind.urls.urlpatterns,
    path(
        "staff/",
        include(([path("forgotten/", undeclared, name="forgotten")], "staff"), namespace="staff"),
    ),
    path("staff-tools/", include(([path("forgotten/", undeclared)], "staff"))),
    path("staff/unnamed/", undeclared),
    path("tools/administer/", declared_elsewhere),
]


@pytest.mark.parametrize("url", ["/staff/forgotten/", "/staff-tools/forgotten/", "/staff/unnamed/"])
@pytest.mark.parametrize(
    "persona", [Persona("anonymous"), Persona("administrator", mfa=True)], ids=str
)
def test_a_staff_page_that_declares_no_permission_is_refused(
    client, db, request, settings, url, persona
):
    settings.ROOT_URLCONF = __name__
    persona.sign_in(client, request)
    for method in (client.get, client.post):
        with pytest.raises(ImproperlyConfigured, match="declares no staff permission"):
            method(url)


def test_a_declared_staff_page_is_checked_wherever_it_is_routed(
    client, settings, reviewer, administrator
):
    settings.ROOT_URLCONF = __name__
    url = "/tools/administer/"
    assert answer(client.get(url), url) == SIGN_IN
    login(client, reviewer, mfa=True)
    assert answer(client.get(url), url) == REFUSED
    login(client, administrator, mfa=False)
    assert answer(client.get(url), url) == MFA
    login(client, administrator, mfa=True)
    assert client.get(url).content == b"Administrators' page"
