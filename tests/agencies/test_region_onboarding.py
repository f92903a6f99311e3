"""A region brings in agencies that are not registered yet: one by email or a list at once.
Each coordinator-to-be registers the agency by the emailed link and the region asks it to
join; consent stays the agency's. An agency registered already is asked at once instead."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import (
    Agency,
    AuditEvent,
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    OnboardingList,
    OutboxEmail,
    Role,
    Sharing,
    User,
)
from agencies.outbox.sending import dispatch
from agencies.regions import onboarding, onboarding_queries
from agencies.regions.onboarding_queries import Stage
from tests.conftest import login, member
from tests.factories import (
    AgencyFactory,
    MemberAgencyFactory,
    RegionFactory,
    RegionMembershipFactory,
    UserFactory,
)
from tests.files import xlsx
from tests.forms import NEW_AGENCY, sign_up
from tests.pages import check_page
from tests.races import in_the_worst_order


@pytest.fixture
def region(db):
    return RegionFactory(name="Blue Ridge Crisis Collaborative", slug="blue-ridge", state="VA")


@pytest.fixture
def region_coordinator(region):
    return RegionMembershipFactory(region=region, user__email="lead@blueridge.example").user


@pytest.fixture
def as_region_coordinator(client, region_coordinator):
    return login(client, region_coordinator)


def url(name, region, **kwargs):
    return reverse(name, kwargs={"region_slug": region.slug, **kwargs})


def invite_one(client, region, capture, **fields):
    data = {"agency_name": "Floyd Police Department", "ori": "", "state": "VA"}
    data.update(fields)
    with capture(execute=True):
        return client.post(
            url("onboarding_invite", region), {f"one-{k}": v for k, v in data.items()}
        )


def upload(client, region, content: bytes, name="agencies.csv"):
    return client.post(
        url("onboarding_list_check", region), {"list-file": SimpleUploadedFile(name, content)}
    )


def confirmation(response) -> str:
    return re.search(r'name="confirmation" value="([^"]+)"', response.content.decode()).group(1)


def send(client, region, token, capture):
    with capture(execute=True):
        return client.post(url("onboarding_list_send", region), {"confirmation": token})


def join_link(message) -> str:
    return re.search(r"https?://\S+(/regions/join/\S+/)", message.body).group(1)


def text(response) -> str:
    return html.unescape(response.content.decode())


def region_trail(region) -> list[str]:
    return list(
        AuditEvent.objects.filter(region=region)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# One agency by email, all the way through the pages


def test_invited_coordinator_registers_the_agency_and_joins_with_consent(
    client, region, region_coordinator, as_region_coordinator, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = invite_one(
        client, region, capture, agency_name="Floyd Police Department", ori="va0320100",
        email="Chief.Alvarez@Floyd.example",
    )  # fmt: skip
    assert response.status_code == 302
    invitation = OnboardingInvitation.all_regions.get()
    assert (invitation.ori, invitation.state, invitation.email) == (
        "VA0320100", "VA", "chief.alvarez@floyd.example",
    )  # fmt: skip
    [message] = mail.outbox
    assert message.to == ["chief.alvarez@floyd.example"]
    assert "Blue Ridge Crisis Collaborative invites Floyd Police Department" in message.subject
    link = join_link(message)

    # The coordinator-to-be has no account: signing up from the link confirms the address.
    client.logout()
    page = client.get(link).content.decode()
    check_page(page)
    signup = html.unescape(re.search(r'href="(/accounts/signup/\?[^"]+)"', page).group(1))
    query = parse_qs(urlsplit(signup).query)
    assert (
        "Create an account to register Floyd Police Department"
        in client.get(signup).content.decode()
    )
    response = sign_up(
        client, query=signup.removeprefix("/accounts/signup/"),
        invitation=query["invitation"][0], email="",
    )  # fmt: skip
    assert response["Location"] == link
    chief = User.objects.get(email="chief.alvarez@floyd.example")
    assert EmailAddress.objects.get(user=chief).verified
    assert len(mail.outbox) == 1  # no confirmation email to wait for

    # The registration form is filled in from the invitation.
    page = client.get(link).content.decode()
    check_page(page)
    assert 'value="Floyd Police Department"' in page and 'value="VA0320100"' in page
    with capture(execute=True):
        response = client.post(
            link,
            {**NEW_AGENCY, "name": "Floyd Police Department", "ori": "VA0320100",
             "region": "VA", "locality": "Floyd", "time_zone": "America/New_York"},
        )  # fmt: skip
    agency = Agency.objects.get(ori="VA0320100")
    assert response["Location"] == reverse("agency_regions", kwargs={"agency_slug": agency.slug})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.registered_agency) == ("registered", agency)
    # Asked, not joined: nothing is shared until the coordinator says so.
    standing = MemberAgency.all_regions.get(agency=agency)
    assert standing.status == MemberAgencyStatus.INVITED
    assert standing.invited_by == region_coordinator

    page = client.get(response["Location"]).content.decode()
    assert "Blue Ridge Crisis Collaborative" in page
    assert 'Join<span class="usa-sr-only"> Blue Ridge' in page
    client.post(
        reverse(
            "region_join",
            kwargs={"agency_slug": agency.slug, "member_agency_id": standing.public_id},
        ),
        {"sharing": Sharing.ROSTER},
    )
    standing.refresh_from_db()
    assert (standing.status, standing.sharing, standing.answered_by) == (
        MemberAgencyStatus.MEMBER, Sharing.ROSTER, chief,
    )  # fmt: skip

    # The region's page follows it, and its trail holds every step.
    login(client, region_coordinator)
    progress = client.get(url("onboarding_page", region)).content.decode()
    assert "Floyd Police Department" in progress and "Joined" in progress
    assert region_trail(region) == [
        "onboarding_invitation.created",
        "onboarding_invitation.registered",
        "member_agency.invited",
        "member_agency.joined",
    ]


def test_a_registered_agency_found_by_its_ori_is_asked_to_join_instead(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    floyd = AgencyFactory(name="Floyd County Sheriff's Office", ori="VA0320000", region="VA")
    sheriff = member(floyd, Role.COORDINATOR, "sheriff@floyd.example")
    response = invite_one(
        client, region, django_capture_on_commit_callbacks,
        agency_name="Floyd Sheriff", ori="VA0320000", email="someone.else@floyd.example",
    )  # fmt: skip
    assert response.status_code == 302
    assert not OnboardingInvitation.all_regions.exists()
    standing = MemberAgency.all_regions.get(agency=floyd)
    assert standing.status == MemberAgencyStatus.INVITED
    # The request goes to the agency's own coordinator, not to the address typed.
    [message] = mail.outbox
    assert message.to == [sheriff.email]
    page = client.get(url("onboarding_page", region)).content.decode()
    assert "registered already, so it was asked to join instead" in page


def test_a_registered_agency_found_by_name_and_state_is_asked_and_a_namesake_elsewhere_is_not(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    AgencyFactory(name="Salem Police Department", region="OR")
    salem_va = AgencyFactory(name="Salem Police Department", region="VA")
    invite_one(
        client, region, django_capture_on_commit_callbacks,
        agency_name="salem police department", email="chief@salem.example",
    )  # fmt: skip
    assert MemberAgency.all_regions.get().agency == salem_va
    assert not OnboardingInvitation.all_regions.exists()


def test_the_invitation_form_says_what_is_wrong_field_by_field(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    response = invite_one(
        client, region, django_capture_on_commit_callbacks,
        agency_name="Floyd Police Department", ori="NY0320100", state="VA",
        email="chief@floyd.example",
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    check_page(page)
    assert "NY0320100 is not an ORI of VA" in page
    assert "<title>Error: Onboarding" in page
    response = invite_one(
        client, region, django_capture_on_commit_callbacks, state="Virginny",
        email="chief@floyd.example",
    )  # fmt: skip
    assert "“Virginny” is not a US state or territory" in response.content.decode()
    assert not OnboardingInvitation.all_regions.exists() and mail.outbox == []


def test_an_unverified_region_cannot_invite(
    client, region, as_region_coordinator, region_coordinator, django_capture_on_commit_callbacks
):
    region.verified = False
    region.save()
    page = client.get(url("onboarding_page", region)).content.decode()
    assert "Waiting for verification" in page and "Upload and check" not in page
    response = invite_one(
        client, region, django_capture_on_commit_callbacks, email="chief@floyd.example"
    )
    assert response.status_code == 400
    assert "have not verified this region" in response.content.decode()
    with pytest.raises(ValidationError, match="not verified"):
        onboarding.onboarding_invite(
            region=region, actor=region_coordinator, agency_name="Floyd PD", email="c@f.example"
        )
    assert not OnboardingInvitation.all_regions.exists() and mail.outbox == []


def test_region_viewers_see_the_progress_but_cannot_invite(client, region):
    viewer = RegionMembershipFactory(region=region, role="viewer").user
    login(client, viewer)
    page = client.get(url("onboarding_page", region))
    assert page.status_code == 200 and "Invite one agency" not in page.content.decode()
    assert client.post(url("onboarding_invite", region), {}).status_code == 403
    assert upload(client, region, b"Agency,Email\nX,x@y.example\n").status_code == 403


def test_another_regions_coordinator_sees_nothing(client, region):
    theirs = OnboardingInvitation.all_regions.create(
        region=region, agency_name="Floyd PD", email="chief@floyd.example",
        invited_by=UserFactory(), expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    other = RegionFactory()
    login(client, RegionMembershipFactory(region=other).user)
    assert client.get(url("onboarding_page", region)).status_code == 404
    withdraw = url("onboarding_withdraw", other, onboarding_id=theirs.public_id)
    assert client.post(withdraw).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


# The link: every way it can no longer be used explains itself


def make_invitation(region, inviter, **fields):
    return onboarding.onboarding_invite(
        region=region, actor=inviter, agency_name="Floyd Police Department",
        email="chief@floyd.example", **fields,
    ).invitation  # fmt: skip


def test_withdrawing_an_invitation_ends_its_link_and_its_unsent_email(
    client, region, as_region_coordinator, region_coordinator
):
    invitation = make_invitation(region, region_coordinator)  # its email not sent yet
    response = client.post(url("onboarding_withdraw", region, onboarding_id=invitation.public_id))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    event = AuditEvent.objects.get(action="onboarding_invitation.revoked")
    assert (event.region, event.actor, event.changes["reason"]) == (
        region, region_coordinator, [None, "withdrawn"],
    )  # fmt: skip
    dispatch()
    assert mail.outbox == []
    assert OutboxEmail.objects.get().status == "skipped"
    client.logout()
    page = client.get(reverse("onboarding_join", args=[onboarding.onboarding_token(invitation)]))
    assert "withdrawn or replaced" in page.content.decode()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("expired", "has expired. Ask the region's coordinator for a new one"),
        ("used", "already been used to register an agency"),
        ("unverified", "cannot invite agencies until program staff verify it again"),
        ("forged", "This invitation link is not valid"),
    ],
)
def test_a_link_that_cannot_be_used_says_why(client, region, region_coordinator, state, message):
    invitation = make_invitation(region, region_coordinator)
    token = onboarding.onboarding_token(invitation)
    if state == "expired":
        OnboardingInvitation.all_regions.update(expires_at=timezone.now())
    elif state == "used":
        OnboardingInvitation.all_regions.update(registered_at=timezone.now())
    elif state == "unverified":
        region.verified = False
        region.save()
    else:
        token = token[:-3] + "abc"
    login(client, UserFactory(email="chief@floyd.example"))
    page = client.get(reverse("onboarding_join", args=[token]))
    assert message in text(page)
    response = client.post(reverse("onboarding_join", args=[token]), {**NEW_AGENCY, "region": "VA"})
    assert message in text(response)
    assert not Agency.objects.filter(name=NEW_AGENCY["name"]).exists()


def test_only_the_invited_address_registers_by_the_link(client, region, region_coordinator):
    invitation = make_invitation(region, region_coordinator)
    login(client, UserFactory(email="someone@elsewhere.example"))
    link = reverse("onboarding_join", args=[onboarding.onboarding_token(invitation)])
    response = client.post(link, {**NEW_AGENCY, "region": "VA"})
    assert "sent to chief@floyd.example, but you are signed in as" in response.content.decode()
    assert not Agency.objects.filter(name=NEW_AGENCY["name"]).exists()


def test_a_new_invitation_to_an_address_whose_invitation_expired_replaces_it(
    region, region_coordinator
):
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        old = make_invitation(region, region_coordinator)
    new = make_invitation(region, region_coordinator)
    old.refresh_from_db()
    assert (old.status, new.status) == ("revoked", "open")
    with pytest.raises(ValidationError, match="that invitation is waiting"):
        make_invitation(region, region_coordinator)


# A list of agencies


LIST = (
    "Agency Name,ORI Number,State,E-mail\r\n"
    "Floyd Police Department,VA0320100,VA,chief@floyd.example\r\n"
    "Pulaski Police Department,,Virginia,chief@pulaski.example\r\n"
    "Radford Police Department,VA1180000,,chief@radford.example\r\n"
)


def test_a_list_is_checked_then_sent_all_together(
    client, region, as_region_coordinator, region_coordinator, django_capture_on_commit_callbacks
):
    floyd_so = AgencyFactory(name="Floyd County Sheriff's Office", ori="VA0320000", region="VA")
    member(floyd_so, Role.COORDINATOR, "sheriff@floyd.example")
    content = LIST + "Floyd County Sheriff's Office,VA0320000,VA,sheriff.new@floyd.example\r\n"
    checked = upload(client, region, content.encode(), "blue ridge agencies.csv")
    assert checked.status_code == 200
    page = checked.content.decode()
    check_page(page)
    assert "<strong>3</strong> agencies will be invited to register" in page
    assert "<strong>1</strong> registered agency will be asked to join" in page
    assert not OnboardingInvitation.all_regions.exists()  # nothing until confirmed

    response = send(client, region, confirmation(checked), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitations = OnboardingInvitation.all_regions.order_by("agency_name")
    assert [(i.agency_name, i.ori, i.state) for i in invitations] == [
        ("Floyd Police Department", "VA0320100", "VA"),
        ("Pulaski Police Department", "", "VA"),
        ("Radford Police Department", "VA1180000", "VA"),  # the region's own state
    ]
    sent = OnboardingList.all_regions.get()
    assert (sent.filename, sent.invited, sent.asked) == ("blue ridge agencies.csv", 3, 1)
    assert {i.sent_with for i in invitations} == {sent}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chief@floyd.example", "chief@pulaski.example", "chief@radford.example",
        "sheriff@floyd.example",
    ]  # fmt: skip
    assert MemberAgency.all_regions.get().agency == floyd_so
    trail = region_trail(region)
    assert trail.count("onboarding_invitation.created") == 3
    assert trail[-1] == "onboarding_list.sent"
    assert "member_agency.invited" in trail


def test_a_double_submitted_list_is_sent_once(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    token = confirmation(upload(client, region, LIST.encode()))
    send(client, region, token, django_capture_on_commit_callbacks)
    again = send(client, region, token, django_capture_on_commit_callbacks)
    assert again.status_code == 302
    assert "sent already; nothing more was sent" in client.get(again["Location"]).content.decode()
    assert OnboardingInvitation.all_regions.count() == 3
    assert OnboardingList.all_regions.count() == 1
    assert len(mail.outbox) == 3
    assert region_trail(region).count("onboarding_list.sent") == 1


def test_every_bad_row_is_reported_by_its_number_and_nothing_is_written(
    client, region, region_coordinator, as_region_coordinator
):
    MemberAgencyFactory(
        region=region, agency=AgencyFactory(name="Christiansburg PD", ori="VA0600200", region="VA")
    )
    make_invitation(region, region_coordinator)  # chief@floyd.example, waiting
    content = (
        "Agency,ORI,State,Coordinator email\r\n"
        "Pulaski Police Department,,VA,chief@pulaski.example\r\n"  # 2: good
        ",,VA,nobody@nowhere.example\r\n"  # 3: no name
        "Radford Police Department,,VA,not-an-address\r\n"  # 4
        "Dublin Police Department,VA12,VA,chief@dublin.example\r\n"  # 5: ORI's shape
        "Wytheville Police Department,NC0980000,VA,chief@wytheville.example\r\n"  # 6: ORI's state
        "Marion Police Department,,Narnia,chief@marion.example\r\n"  # 7: no such state
        "Pulaski Police Department,,VA,other@pulaski.example\r\n"  # 8: repeats row 2
        "Floyd Police Department,,VA,chief@floyd.example\r\n"  # 9: invited already
        "Christiansburg PD,VA0600200,VA,chief@cburg.example\r\n"  # 10: a member already
    )
    response = upload(client, region, content.encode())
    assert response.status_code == 400
    page = response.content.decode()
    check_page(page)
    assert "<title>Error: Check the list" in page
    assert "8 rows have problems: nothing was sent" in page
    problems = {
        int(row): html.unescape(message)
        for row, message in re.findall(
            r'data-label="Row">(\d+)</th>.*?data-label="Problem">([^<]+)</td>', page, re.S
        )
    }
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "name is missing" in problems[3]
    assert "“not-an-address” is not an email address" in problems[4]
    assert "An ORI is 9 characters" in problems[5]
    assert "NC0980000 is not an ORI of VA" in problems[6]
    assert "“Narnia” is not a US state" in problems[7]
    assert "Row 2 names the same agency in the same state" in problems[8]
    assert "that invitation is waiting" in problems[9]
    assert "already a member of this region" in problems[10]
    assert 'name="confirmation"' not in page
    assert OnboardingInvitation.all_regions.count() == 1 and OutboxEmail.objects.count() == 1


def test_formula_like_cells_are_refused_as_names_and_shown_as_text(
    client, region, as_region_coordinator
):
    content = (
        "Agency,State,Email\r\n"
        '"=HYPERLINK(""https://evil.example"",""Click"")",VA,chief@floyd.example\r\n'
        "@SUM(A1:A9),VA,chief@pulaski.example\r\n"
        "  +1+2,VA,chief@radford.example\r\n"
    )
    response = upload(client, region, content.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("looks like a spreadsheet formula") >= 3
    assert '<a href="https://evil.example"' not in page
    assert "=HYPERLINK(&quot;https://evil.example&quot;" in page
    assert not OnboardingInvitation.all_regions.exists()


def test_an_excel_list_with_its_own_column_names_is_read(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    workbook = xlsx(
        ["Blue Ridge agencies to invite, December"],
        ["Department", "NCIC ORI", "State or province", "Chief's email", "Notes"],
        ["Floyd Police Department", "VA0320100", "VA", "chief@floyd.example", "call first"],
        ["Pulaski Police Department", None, "Virginia", "chief@pulaski.example", None],
    )
    checked = upload(client, region, workbook, "agencies.xlsx")
    assert checked.status_code == 200
    send(client, region, confirmation(checked), django_capture_on_commit_callbacks)
    assert sorted(OnboardingInvitation.all_regions.values_list("agency_name", "email")) == [
        ("Floyd Police Department", "chief@floyd.example"),
        ("Pulaski Police Department", "chief@pulaski.example"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Agency,ORI\r\nFloyd PD,VA0320100\r\n",
            "No column of the file is named for: Coordinator email",
        ),
        (b"Agency,Email\r\n", "no agencies below them"),
        (b"%PDF-1.7 not a spreadsheet", "This file can't be read"),
    ],
)
def test_a_file_that_is_not_a_list_says_why(
    client, region, as_region_coordinator, content, message
):
    response = upload(client, region, content)
    assert response.status_code == 400
    assert message in text(response)


def test_a_list_that_changed_since_it_was_checked_sends_nothing(
    client, region, region_coordinator, as_region_coordinator, django_capture_on_commit_callbacks
):
    token = confirmation(upload(client, region, LIST.encode()))
    AgencyFactory(name="Pulaski Police Department", region="VA")  # registered meanwhile...
    make_invitation(region, region_coordinator, ori="VA0320100")  # ...and Floyd invited
    response = send(client, region, token, django_capture_on_commit_callbacks)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Something changed since the list was checked" in page
    assert "that invitation is waiting" in page
    assert OnboardingInvitation.all_regions.count() == 1
    assert not OnboardingList.all_regions.exists() and not MemberAgency.all_regions.exists()


def test_a_confirmation_from_another_region_or_person_is_refused(
    client, region, as_region_coordinator, django_capture_on_commit_callbacks
):
    token = confirmation(upload(client, region, LIST.encode()))
    other = RegionFactory()
    login(client, RegionMembershipFactory(region=other).user)
    response = send(client, other, token, django_capture_on_commit_callbacks)
    assert "could not be read back" in client.get(response["Location"]).content.decode()
    assert not OnboardingInvitation.all_regions.exists()


# Where each invited agency stands


def test_progress_counts_each_stage_in_three_queries(
    client, region, region_coordinator, as_region_coordinator, django_assert_num_queries
):
    def invited(name, **fields):
        fields.setdefault("expires_at", timezone.now() + timedelta(days=30))
        return OnboardingInvitation.all_regions.create(
            region=region, agency_name=name, email=f"{name.split()[0].lower()}@example.org",
            invited_by=region_coordinator, **fields,
        )  # fmt: skip

    def registered(name, status=None):
        agency = AgencyFactory(name=name, region="VA")
        if status:
            MemberAgencyFactory(region=region, agency=agency, status=status)
        return invited(name, registered_agency=agency, registered_at=timezone.now())

    invited("Floyd Police Department")
    invited("Dublin Police Department")
    invited("Marion Police Department", expires_at=timezone.now() - timedelta(days=1))
    invited("Galax Police Department", revoked_at=timezone.now())
    registered("Pulaski Police Department", MemberAgencyStatus.INVITED)
    registered("Radford Police Department", MemberAgencyStatus.MEMBER)
    registered("Wytheville Police Department", MemberAgencyStatus.MEMBER)
    registered("Narrows Police Department", MemberAgencyStatus.DECLINED)
    OnboardingInvitation.all_regions.create(  # another region's
        region=RegionFactory(), agency_name="Elsewhere PD", email="e@example.org",
        invited_by=UserFactory(), expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip

    with django_assert_num_queries(3):
        progress = onboarding_queries.onboarding_progress(region)
    assert dict(progress.counts) == {
        Stage.INVITED: 2, Stage.ASKED: 1, Stage.JOINED: 2, Stage.DECLINED: 1, Stage.LEFT: 0,
        Stage.REGISTERED: 0, Stage.EXPIRED: 1, Stage.WITHDRAWN: 1,
    }  # fmt: skip
    assert (progress.total, progress.registered) == (8, 4)

    page = client.get(url("onboarding_page", region)).content.decode()
    check_page(page)
    assert "4 of 8 agencies invited have registered." in page
    stages = [("Invited to register", 2), ("Registered, asked to join", 1), ("Joined", 2),
              ("Declined to join", 1), ("Invitation expired", 1)]  # fmt: skip
    for label, count in stages:
        assert f"<li>{label}: <strong>{count}</strong></li>" in page
    assert "Elsewhere PD" not in page
    assert page.count("Email waiting to be sent") == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_list_confirmed_twice_at_once_is_sent_once(region, region_coordinator):
    token = confirmation(upload(login(Client(), region_coordinator), region, LIST.encode()))

    def confirm():
        client = login(Client(), region_coordinator)
        return client.post(url("onboarding_list_send", region), {"confirmation": token})

    first, second = in_the_worst_order(confirm, confirm, pause_before=(onboarding, "plan_list"))

    assert first.status_code == second.status_code == 302
    assert OnboardingList.all_regions.count() == 1
    assert OnboardingInvitation.all_regions.count() == OutboxEmail.objects.count() == 3
    assert AuditEvent.objects.filter(action="onboarding_list.sent").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_agency_invited_twice_at_once_is_invited_once(region, region_coordinator):
    def invite():
        return make_invitation(region, region_coordinator)

    first, second = in_the_worst_order(invite, invite, pause_before=(onboarding, "plan_list"))

    assert isinstance(first, OnboardingInvitation)
    assert isinstance(second, ValidationError) and "invitation is waiting" in second.messages[0]
    assert OnboardingInvitation.all_regions.count() == OutboxEmail.objects.count() == 1
