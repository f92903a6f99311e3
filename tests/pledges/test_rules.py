"""Program rules versions: added by administrators, applied to pledges signed afterwards."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent
from pledges.models import ProgramRules
from tests.conftest import login
from tests.forms import new_rules
from tests.pages import check_page

TODAY = timezone.localdate()


def test_an_administrator_adds_a_rules_version_for_a_future_date(client, administrator):
    login(client, administrator, mfa=True)
    page = client.get(reverse("staff:rules_list"))
    check_page(page.content.decode())
    assert "Original rules" in page.content.decode()

    client.post(reverse("staff:rules_list"), new_rules())

    added = ProgramRules.objects.get(name="2027 rules")
    assert added.cit_minimum_percent == 25 and added.created_by == administrator
    assert ProgramRules.objects.in_force(TODAY).name == "Current rules"  # not yet
    assert ProgramRules.objects.in_force(TODAY + timedelta(days=30)) == added
    assert AuditEvent.objects.filter(action="rules.added").exists()


def test_rules_cannot_start_today_or_earlier_nor_have_a_window_out_of_order(client, administrator):
    login(client, administrator, mfa=True)
    past = client.post(reverse("staff:rules_list"), new_rules(effective_on=TODAY.isoformat()))
    assert "pledges already signed keep the rules" in past.content.decode()
    window = client.post(reverse("staff:rules_list"), new_rules(window_min_months=40, name="Odd"))
    assert "The shortest window cannot exceed the longest." in window.content.decode()
    assert ProgramRules.objects.count() == 2


def test_reviewers_read_no_rules_form(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get(reverse("staff:rules_list")).status_code == 403


def test_agency_members_and_signed_out_visitors_cannot_reach_the_rules(client, coordinator):
    assert client.get(reverse("staff:rules_list")).status_code == 302  # to sign in
    login(client, coordinator)
    assert client.get(reverse("staff:rules_list")).status_code == 403
