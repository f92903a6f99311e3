from io import StringIO

from django.core.management import call_command

from agencies.models import (
    Agency,
    AuditEvent,
    MemberAgency,
    MemberAgencyStatus,
    Membership,
    RegionMembership,
    User,
)


def test_demo_data_is_idempotent_and_prints_logins(db):
    first = StringIO()
    call_command("demo_data", stdout=first)
    counts = (Agency.objects.count(), User.objects.count(), Membership.all_agencies.count())
    events = AuditEvent.objects.count()
    call_command("demo_data", stdout=StringIO())
    assert counts == (4, 9, 6)
    assert (Agency.objects.count(), User.objects.count(), Membership.all_agencies.count()) == counts
    assert AuditEvent.objects.count() == events
    assert "dana.whitfield@millbrook.example" in first.getvalue()
    assert "reviewer@onemind.example" in first.getvalue()


def test_demo_logins_work(client, db):
    call_command("demo_data", stdout=StringIO())
    from agencies.management.commands.demo_data import DEMO_PASSWORD

    response = client.post(
        "/accounts/login/",
        {"login": "sam.ortega@millbrook.example", "password": DEMO_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/a/millbrook-pd/"


def test_create_staff_user_makes_an_administrator_without_superuser(db, monkeypatch):
    monkeypatch.setattr(
        "agencies.management.commands.create_staff_user.getpass", lambda prompt: "x7-long-enough-pw"
    )
    call_command("create_staff_user", "Lead@OneMind.example", stdout=StringIO())
    user = User.objects.get(email="lead@onemind.example")
    assert user.has_perm("agencies.administer_program") and not user.is_superuser
    assert AuditEvent.objects.filter(action="account.staff_role_granted").exists()


def test_demo_data_refuses_to_run_in_production(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.HTTPS = True
    with pytest.raises(CommandError, match="not loaded where HTTPS=true"):
        call_command("demo_data", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_rosters_are_filled_once(db):
    from training.models import Person, TrainingRecord

    call_command("demo_data", stdout=StringIO())
    call_command("demo_roster", stdout=StringIO())
    people, records = Person.all_agencies.count(), TrainingRecord.all_agencies.count()
    call_command("demo_roster", stdout=StringIO())
    assert people == 142 + 12 + 38 + 4 + 24 + 3 + 11 + 2
    assert (Person.all_agencies.count(), TrainingRecord.all_agencies.count()) == (people, records)
    assert 0 < records < people


def test_demo_agreements_are_added_once_and_meet_or_miss_as_shown(db, private_files):
    from agencies.models import Agency
    from partnerships.queries import partnership_finding
    from pledges.engine.policy import policy_finding
    from pledges.models import CrisisPolicy

    call_command("demo_data", stdout=StringIO())
    call_command("demo_agreements", stdout=StringIO())
    call_command("demo_agreements", stdout=StringIO())

    millbrook = Agency.objects.get(slug="millbrook-pd")
    harlan = Agency.objects.get(slug="harlan-county-so")
    assert CrisisPolicy.all_agencies.count() == 2
    assert partnership_finding(millbrook, millbrook.today()).met
    assert policy_finding(millbrook, millbrook.today()).met
    assert policy_finding(harlan, harlan.today()).reasons == [
        "The policy in force (“Mental health calls for service”) does not cover: "
        "a list of care providers."
    ]
    assert len(private_files()) == 3


def test_demo_region_has_members_by_consent_and_a_request_waiting(client, db):
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())
    standings = dict(
        MemberAgency.all_regions.values_list("agency__slug", "status").order_by("agency__slug")
    )
    assert standings == {
        "cedar-valley-transit-police": MemberAgencyStatus.MEMBER,
        "harlan-county-so": MemberAgencyStatus.MEMBER,
        "millbrook-pd": MemberAgencyStatus.INVITED,
    }
    lead = RegionMembership.all_regions.get().user
    assert lead.email == "lee.tran@regionalcit.example"
    assert AuditEvent.objects.filter(action="member_agency.joined").count() == 2
