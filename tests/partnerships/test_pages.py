"""Keeping MOUs: add the organization and the agreement, renew, amend, sign, terminate."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from agencies.hooks import evidence_changed
from agencies.models import Agency, AuditEvent, Document
from partnerships.models import MentalHealthOrganization, Partnership, PartnershipVersion
from tests import files
from tests.conftest import login
from tests.factories import OrganizationFactory, PartnershipVersionFactory
from tests.forms import agreement_form, renewal_form
from tests.races import in_the_worst_order

# Dates a coordinator enters are judged by the agency's own day (here the default time zone),
# which is not the server's UTC day in the hours around midnight.
TODAY = Agency().today()


def url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


@pytest.fixture
def announced():
    heard = []

    def listener(sender, agency, **kwargs):
        heard.append(agency.pk)

    evidence_changed.connect(listener)
    yield heard
    evidence_changed.disconnect(listener)


def test_an_editor_adds_an_organization_and_a_signed_mou(
    client, agency_a, editor, private_files, announced, django_capture_on_commit_callbacks
):
    login(client, editor)
    response = client.post(
        url("organization_create", agency_a),
        {
            "name": "Harbor Crisis Center",
            "organization_type": "crisis_center",
            "services": ["crisis_stabilization", "drop_off"],
            "contact_name": "Lee Park",
        },
    )
    assert response.status_code == 302
    organization = MentalHealthOrganization.all_agencies.get()
    assert organization.services == ["crisis_stabilization", "drop_off"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("partnership_create", agency_a), agreement_form(organization))

    partnership = Partnership.all_agencies.get()
    assert response["Location"] == url(
        "partnership_detail", agency_a, partnership_id=partnership.public_id
    )
    version = PartnershipVersion.all_agencies.get()
    assert version.signatories == [
        {"name": "Chief Ana Rivera", "title": "Chief of Police", "organization": "Millbrook PD"},
        {"name": "Dr. Lee Park", "title": "Director", "organization": ""},
    ]
    assert version.document.filename == "MOU signed.pdf"
    assert announced == [agency_a.pk]
    event = AuditEvent.objects.get(action="partnership.created")
    assert event.changes["alternative"][1] == "24/7 drop-off at the crisis stabilization unit."
    page = client.get(response["Location"]).content.decode()
    assert "Active" in page and "MOU signed.pdf" in page
    listing = client.get(url("partnership_list", agency_a)).content.decode()
    assert "Pledge requirement today: met" in listing


def test_a_signed_agreement_needs_its_document_and_sensible_dates(
    client, agency_a, editor, private_files
):
    organization = OrganizationFactory(agency=agency_a)
    login(client, editor)

    response = client.post(
        url("partnership_create", agency_a),
        agreement_form(
            organization,
            document=None,
            expires_on=(TODAY - timedelta(days=30)).isoformat(),
        ),
    )

    page = response.content.decode()
    assert "Attach the signed agreement." in page
    assert "The expiry date cannot be before the effective date." in page
    assert not Partnership.all_agencies.exists() and private_files() == []


def test_a_disguised_document_is_refused_and_nothing_is_saved(
    client, agency_a, editor, private_files
):
    organization = OrganizationFactory(agency=agency_a)
    login(client, editor)

    response = client.post(
        url("partnership_create", agency_a),
        agreement_form(organization, document=files.zip_bomb_as_docx("MOU.docx")),
    )

    assert "“MOU.docx” expands to more than 100 MB" in response.content.decode()
    assert not Partnership.all_agencies.exists()
    assert not Document.all_agencies.exists() and private_files() == []


def test_a_draft_is_kept_until_it_is_signed(client, agency_a, editor, private_files):
    organization = OrganizationFactory(agency=agency_a)
    login(client, editor)
    client.post(
        url("partnership_create", agency_a),
        agreement_form(organization, signed_on="", effective_on="", document=None),
    )
    partnership = Partnership.all_agencies.get()
    draft = PartnershipVersion.all_agencies.get()
    assert draft.is_draft
    detail = url("partnership_detail", agency_a, partnership_id=partnership.public_id)
    assert "Draft" in client.get(detail).content.decode()

    edit = url(
        "partnership_draft_edit",
        agency_a,
        partnership_id=partnership.public_id,
        version_id=draft.public_id,
    )
    form = agreement_form(organization)
    del form["organization"], form["title"]
    client.post(edit, form)

    draft.refresh_from_db()
    assert not draft.is_draft and draft.document.filename == "MOU signed.pdf"
    assert AuditEvent.objects.filter(action="partnership.signed").exists()
    # Signed now: the same page refuses to change it.
    response = client.post(edit, {**form, "alternative": "Nothing", "document": files.pdf()})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.alternative == "24/7 drop-off at the crisis stabilization unit."


def test_a_renewal_is_added_and_the_original_is_kept_unchanged(
    client, agency_a, editor, private_files
):
    original = PartnershipVersionFactory(
        partnership__organization__agency=agency_a,
        expires_on=TODAY + timedelta(days=20),
    )
    partnership = original.partnership
    login(client, editor)
    listing = client.get(url("partnership_list", agency_a)).content.decode()
    assert 'class="row-attention"' in listing and "Expiring within 60 days" in listing

    renew = url("partnership_renew", agency_a, partnership_id=partnership.public_id)
    form_page = client.get(renew)
    assert form_page.context["form"].initial["alternative"] == original.alternative
    form = agreement_form(
        original.partnership.organization,
        summary="Three more years, same terms.",
        signed_on=TODAY.isoformat(),
        effective_on=(TODAY + timedelta(days=21)).isoformat(),
        expires_on=(TODAY + timedelta(days=21 + 3 * 365)).isoformat(),
        document=files.pdf("MOU renewal.pdf"),
    )
    del form["organization"], form["title"]
    client.post(renew, form)

    versions = PartnershipVersion.all_agencies.filter(partnership=partnership).order_by("pk")
    assert [v.kind for v in versions] == ["original", "renewal"]
    kept = versions[0]
    assert (kept.expires_on, kept.document_id) == (original.expires_on, original.document_id)
    assert versions[1].summary == "Three more years, same terms."
    assert AuditEvent.objects.filter(action="partnership.renewal_added").exists()


def test_terminating_needs_a_reason_and_keeps_the_history(client, agency_a, editor):
    version = PartnershipVersionFactory(partnership__organization__agency=agency_a)
    partnership = version.partnership
    terminate = url("partnership_terminate", agency_a, partnership_id=partnership.public_id)
    login(client, editor)

    refused = client.post(terminate, {"on": TODAY.isoformat(), "reason": "  "})
    assert "This field is required." in refused.content.decode()

    client.post(terminate, {"on": TODAY.isoformat(), "reason": "The center closed."})

    partnership.refresh_from_db()
    assert partnership.terminated_on == TODAY
    assert PartnershipVersion.all_agencies.filter(partnership=partnership).count() == 1
    page = client.get(url("partnership_detail", agency_a, partnership_id=partnership.public_id))
    assert "Terminated" in page.content.decode()
    assert "The center closed." in page.content.decode()
    again = client.post(terminate, {"on": TODAY.isoformat(), "reason": "Twice"})
    assert "already terminated" in again.content.decode()


def test_a_viewer_reads_but_cannot_change(client, agency_a, viewer):
    version = PartnershipVersionFactory(partnership__organization__agency=agency_a)
    login(client, viewer)
    detail = url("partnership_detail", agency_a, partnership_id=version.partnership.public_id)
    page = client.get(detail).content.decode()
    assert "Record a renewal" not in page
    renew = url("partnership_renew", agency_a, partnership_id=version.partnership.public_id)
    assert client.get(renew).status_code == 403
    assert client.post(url("organization_create", agency_a), {"name": "X"}).status_code == 403


def test_the_list_page_query_count_does_not_grow_with_partnerships(
    client, agency_a, viewer, django_assert_max_num_queries
):
    PartnershipVersionFactory(partnership__organization__agency=agency_a)
    login(client, viewer)
    client.get(url("partnership_list", agency_a))  # warm the session
    with django_assert_max_num_queries(14) as few:
        client.get(url("partnership_list", agency_a))
    for _ in range(4):
        PartnershipVersionFactory(partnership__organization__agency=agency_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("partnership_list", agency_a))


def test_a_terminated_partnerships_draft_cannot_be_signed(client, agency_a, editor):
    draft = PartnershipVersionFactory(
        partnership__organization__agency=agency_a,
        partnership__terminated_on=TODAY,
        partnership__termination_reason="Closed",
        signed_on=None,
    )
    edit = url(
        "partnership_draft_edit",
        agency_a,
        partnership_id=draft.partnership.public_id,
        version_id=draft.public_id,
    )
    form = agreement_form(draft.partnership.organization)
    del form["organization"], form["title"]
    login(client, editor)

    response = client.post(edit, form)

    assert "was terminated" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_an_amendment_starts_from_the_terms_and_end_date_in_force(client, agency_a, editor):
    version = PartnershipVersionFactory(
        partnership__organization__agency=agency_a, expires_on=TODAY + timedelta(days=400)
    )
    login(client, editor)
    amend = url("partnership_amend", agency_a, partnership_id=version.partnership.public_id)
    initial = client.get(amend).context["form"].initial
    assert initial["expires_on"] == version.expires_on
    assert initial["alternative"] == version.alternative
    assert "signed_on" not in initial


def test_the_same_renewal_or_agreement_sent_again_is_the_one_recorded(
    client, agency_a, editor, private_files
):
    original = PartnershipVersionFactory(partnership__organization__agency=agency_a)
    partnership = original.partnership
    renew = url("partnership_renew", agency_a, partnership_id=partnership.public_id)
    login(client, editor)

    for _ in range(2):
        response = client.post(renew, renewal_form(partnership.organization))
        assert response.status_code == 302
    another = OrganizationFactory(agency=agency_a)
    for _ in range(2):
        response = client.post(url("partnership_create", agency_a), agreement_form(another))
        assert response.status_code == 302

    assert PartnershipVersion.all_agencies.filter(partnership=partnership).count() == 2
    assert Partnership.all_agencies.filter(organization=another).count() == 1
    assert AuditEvent.objects.filter(action="partnership.renewal_added").count() == 1
    assert AuditEvent.objects.filter(action="partnership.created").count() == 1


def test_a_second_agreement_of_the_same_title_and_organization_is_refused_until_it_ends(
    client, agency_a, editor, private_files
):
    organization = OrganizationFactory(agency=agency_a)
    login(client, editor)
    client.post(url("partnership_create", agency_a), agreement_form(organization))

    other_terms = agreement_form(organization, alternative="Mobile crisis team on call.")
    refused = client.post(url("partnership_create", agency_a), other_terms)
    assert "already has “Crisis stabilization MOU” with" in refused.content.decode()

    first = Partnership.all_agencies.get()
    terminate = url("partnership_terminate", agency_a, partnership_id=first.public_id)
    client.post(terminate, {"on": TODAY.isoformat(), "reason": "Replaced."})
    other_terms = agreement_form(organization, alternative="Mobile crisis team on call.")
    assert client.post(url("partnership_create", agency_a), other_terms).status_code == 302
    assert Partnership.all_agencies.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_renewal_posted_twice_at_once_is_recorded_once(agency_a, editor, private_files):
    original = PartnershipVersionFactory(partnership__organization__agency=agency_a)
    partnership = original.partnership
    renew = url("partnership_renew", agency_a, partnership_id=partnership.public_id)

    def post():
        return login(Client(), editor).post(renew, renewal_form(partnership.organization))

    first, second = in_the_worst_order(post, post, pause_before=(PartnershipVersion, "save"))

    assert first.status_code == second.status_code == 302
    assert PartnershipVersion.all_agencies.filter(partnership=partnership).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_agreement_posted_twice_at_once_is_recorded_once(agency_a, editor, private_files):
    organization = OrganizationFactory(agency=agency_a)

    def post():
        client = login(Client(), editor)
        return client.post(url("partnership_create", agency_a), agreement_form(organization))

    first, second = in_the_worst_order(post, post, pause_before=(Partnership, "save"))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Partnership.all_agencies.count() == 1
