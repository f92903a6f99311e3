"""Program rules versions: the three the campaign has worded, seeded with their dates; added
by administrators with every switch, applied to pledges signed afterwards; and shown in
words wherever the rules are."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent
from pledges.models import (
    CitBase,
    CoverageMode,
    Pledge,
    ProgramRules,
    ProgressSnapshot,
    Submission,
)
from tests.conftest import login, migration
from tests.factories import (
    AgencyFactory,
    PersonFactory,
    TrainingRecordFactory,
    course,
    meets_everything,
    sign,
)
from tests.forms import new_rules
from tests.pages import check_page
from training.models import Category, CourseKind

TODAY = timezone.localdate()
MID_2026 = date(2026, 6, 15)
CURRENT_WORDS = [
    "The CIT minimum is a share of everyone in scope, sworn officers and selected non-sworn "
    "staff alike.",
    "Training counts while its certificate is current; a lapsed one does not.",
]
LENIENT_WORDS = [
    "The CIT minimum is a share of sworn officers only: selected non-sworn staff count toward "
    "training everyone, not toward the minimum.",
    "A lapsed certificate still counts: training counts once completed.",
]


def lenient_rules(effective_on=date(2026, 1, 1)) -> ProgramRules:
    """Rules that take the CIT minimum over sworn officers and let a lapsed certificate
    count, in force from `effective_on`."""
    return ProgramRules.objects.create(
        name="Sworn minimum, lapsed certificates count",
        effective_on=effective_on,
        coverage_mode=CoverageMode.CIT_OR_MHFA,
        cit_base=CitBase.SWORN,
        training_must_be_current=False,
    )


def test_the_three_worded_versions_are_seeded_with_their_dates(db):
    in_force = ProgramRules.objects.in_force
    assert in_force(date(2018, 12, 31)).name == "Original rules"
    assert in_force(date(2019, 1, 1)).name == in_force(date(2022, 12, 31)).name == "2019–2022 rules"
    assert in_force(date(2023, 1, 1)).name == "Current rules"
    between = ProgramRules.objects.get(name="2019–2022 rules")
    assert (between.coverage_mode, between.equivalents_count) == (CoverageMode.MHFA_FOR_ALL, True)
    # No page of the campaign's says otherwise: every version counts CIT over everyone in
    # scope, and only current training.
    assert set(ProgramRules.objects.values_list("cit_base", "training_must_be_current")) == {
        (CitBase.IN_SCOPE, True)
    }


def test_seeding_an_earlier_version_binds_no_pledge_anew(agency_a, coordinator):
    seeding, apps = migration("pledges", "0009_seed_rules_2019_2022")
    seeding.unseed(apps, None)  # as the database stood before the seed
    original = ProgramRules.objects.get(name="Original rules")
    signed_in_2021 = Pledge.all_agencies.create(
        agency=AgencyFactory(), rules=original, status="pledged", pledged_on=date(2021, 3, 1),
        target_date=date(2023, 3, 1), chief_name="A", chief_title="Chief",
    )  # fmt: skip

    seeding.seed(apps, None)

    signed_in_2021.refresh_from_db()
    assert signed_in_2021.rules == original  # the version it was signed under, still
    assert ProgramRules.objects.in_force(date(2021, 3, 1)).name == "2019–2022 rules"
    with time_machine.travel(MID_2026, tick=False):
        assert sign(agency_a, coordinator).rules.name == "Current rules"


def test_existing_snapshots_count_cit_over_everyone_in_scope(agency_a):
    snapshot = ProgressSnapshot.all_agencies.create(
        agency=agency_a, day=MID_2026, rules=ProgramRules.objects.get(name="Current rules"),
        in_scope=12, cit_count=3,
    )  # fmt: skip
    adding, apps = migration("pledges", "0008_rules_cit_base_and_currency")

    adding.cit_over_everyone_in_scope(apps, None)

    snapshot.refresh_from_db()
    assert snapshot.cit_total == 12


def test_an_administrator_adds_a_rules_version_for_a_future_date(client, administrator):
    login(client, administrator, mfa=True)
    page = client.get(reverse("staff:rules_list"))
    check_page(page.content.decode())
    assert "Original rules" in page.content.decode()

    client.post(reverse("staff:rules_list"), new_rules())

    added = ProgramRules.objects.get(name="2027 rules")
    assert added.cit_minimum_percent == 25 and added.created_by == administrator
    assert (added.cit_base, added.training_must_be_current) == (CitBase.IN_SCOPE, True)
    assert ProgramRules.objects.in_force(TODAY).name == "Current rules"  # not yet
    assert ProgramRules.objects.in_force(TODAY + timedelta(days=30)) == added
    assert AuditEvent.objects.filter(action="rules.added").exists()


def test_the_minimum_over_sworn_officers_and_lapsed_certificates_are_chosen_and_audited(
    client, administrator
):
    login(client, administrator, mfa=True)
    form = new_rules(cit_base="sworn")
    del form["training_must_be_current"]  # an unticked box sends nothing

    client.post(reverse("staff:rules_list"), form)

    added = ProgramRules.objects.get(name="2027 rules")
    assert (added.cit_base, added.training_must_be_current) == (CitBase.SWORN, False)
    event = AuditEvent.objects.get(action="rules.added")
    assert "sworn" in str(event.changes["cit_base"])
    assert "False" in str(event.changes["training_must_be_current"])
    page = client.get(reverse("staff:rules_list")).content.decode()
    for words in LENIENT_WORDS + CURRENT_WORDS:
        assert words in page


def test_the_rules_are_described_in_words_to_the_agency_and_the_reviewer(
    client, agency_a, coordinator, reviewer
):
    def page(name, **kwargs):
        response = client.get(reverse(name, kwargs={"agency_slug": agency_a.slug, **kwargs}))
        check_page(response.content.decode())
        return response.content.decode()

    with time_machine.travel(MID_2026, tick=False):
        lenient_rules()
        login(client, coordinator)
        signing = page("pledge_sign")
        assert "20% of sworn officers;" in signing and all(w in signing for w in LENIENT_WORDS)

        dispatcher = PersonFactory(agency=agency_a, category=Category.NON_SWORN, selected=True)
        TrainingRecordFactory(person=dispatcher, course=course(CourseKind.CIT))
        meets_everything(agency_a)  # and five sworn officers, one with CIT
        sign(agency_a, coordinator)
        dashboard = page("agency_dashboard")
        assert "CIT or equivalent training for at least 20% of sworn officers" in dashboard
        assert "</strong> of 5 sworn officers in scope (20.0%)" in dashboard
        assert "</strong> of 6 in scope" in dashboard  # everyone in scope, for the coverage
        assert all(words in dashboard for words in LENIENT_WORDS)
        assert "1 of 5 sworn officers in scope (20.0%)" in page("pledge_submit")
        client.post(reverse("pledge_submit", kwargs={"agency_slug": agency_a.slug}))

        login(client, reviewer, mfa=True)
        submission = Submission.all_agencies.get(agency=agency_a)
        review = client.get(
            reverse("staff:review_detail", kwargs={"submission_id": submission.public_id})
        ).content.decode()
        assert "1 of 5 sworn officers in scope; 1 needed" in review
        assert all(words in review for words in LENIENT_WORDS)


def test_an_agency_without_a_pledge_reads_the_rules_in_force(client, agency_a, viewer):
    login(client, viewer)
    page = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert all(words in page.content.decode() for words in CURRENT_WORDS)


def test_rules_cannot_start_today_or_earlier_nor_have_a_window_out_of_order(client, administrator):
    login(client, administrator, mfa=True)
    past = client.post(reverse("staff:rules_list"), new_rules(effective_on=TODAY.isoformat()))
    assert "pledges already signed keep the rules" in past.content.decode()
    window = client.post(reverse("staff:rules_list"), new_rules(window_min_months=40, name="Odd"))
    assert "The shortest window cannot exceed the longest." in window.content.decode()
    assert ProgramRules.objects.count() == 3  # the seeded versions alone


def test_reviewers_read_no_rules_form(client, reviewer):
    login(client, reviewer, mfa=True)
    assert client.get(reverse("staff:rules_list")).status_code == 403


def test_agency_members_and_signed_out_visitors_cannot_reach_the_rules(client, coordinator):
    assert client.get(reverse("staff:rules_list")).status_code == 302  # to sign in
    login(client, coordinator)
    assert client.get(reverse("staff:rules_list")).status_code == 403
