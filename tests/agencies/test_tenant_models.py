"""Every agency-owned model is a tenant model, built so that a mistake fails closed."""

import pytest
from django.apps import apps
from django.db import models

from agencies.models import Agency, Membership
from agencies.tenancy import TenantManager, TenantModel, TenantScopeError, agency_scope
from tests.factories import MembershipFactory

# Rows that point at an agency without belonging to it, and why.
SHARED_MODELS = {
    "agencies.AuditEvent": "the trail also holds staff and sign-in events of no agency",
    "training.Course": "the program-wide catalogue; an agency's proposals carry the agency",
    "pledges.ProgramRules": "program-wide rules versions that pledges are bound to",
    "pledges.CertificateSequence": "the program-wide counter of certificate numbers per year",
    "agencies.OutboxEmail": "worked across agencies by the dispatcher; staff digests have none",
    "pledges.StaffEmailPreference": "a program staff member's own choice, of no agency",
    "pledges.RegionEmailPreference": "a region team member's own choice: region-owned, "
    "fail-closed by region",
    "agencies.MemberAgency": "a region's row about an agency: region-owned (fail-closed by "
    "region), read on the agency's side through `of_agency`, fail-closed by agency",
    "agencies.OnboardingInvitation": "a region's invitation to register; the agency it "
    "led to is recorded once registered",
    "training.RegionalClass": "a region's class (region-owned, fail-closed by region); the "
    "host agency is recorded, and each attendee agency's part is its own ClassAttendee rows",
}

# Rows that continue the agency's own row (keyed by it, one per agency), and why they are not
# tenant rows: nothing reads them inside an agency's scope.
AGENCY_EXTENSIONS = {
    "pledges.AgencyStanding": "the latest pledge and progress of each agency on one row, "
    "written by pledges.engine.standing and read only by the lists across agencies",
}

# Fields unique across agencies on purpose, with the reason.
GLOBAL_IDENTIFIERS = {
    ("pledges.Certificate", "number"): "public: anyone verifies a certificate by its number",
    ("pledges.Certificate", "token"): "public: the QR link on the certificate carries it",
    ("agencies.SSOConnection", "provider_id"): "public: the sign-in's address carries it, read "
    "before any agency is known (a reference table)",
}


def models_pointing_at_agency():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is Agency:
                yield model
                break


def tenant_models():
    return [
        m
        for m in models_pointing_at_agency()
        if m._meta.label not in SHARED_MODELS | AGENCY_EXTENSIONS
    ]


# Apps whose every model belongs to one agency, unless listed here with the reason.
TENANT_APPS = {"training", "partnerships", "pledges"}


def test_agency_data_apps_hold_only_tenant_models():
    """Catches the model that forgot its agency key: it would not point at Agency at all."""
    offenders = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in TENANT_APPS
        and model._meta.label not in SHARED_MODELS | AGENCY_EXTENSIONS
        and not issubclass(model, TenantModel)
    ]
    assert offenders == [], "extend TenantModel, or list in SHARED_MODELS with the reason"


def test_there_are_tenant_models_to_check():
    assert Membership in tenant_models()


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_has_scoped_manager_and_agency_key(model):
    assert issubclass(model, TenantModel), f"{model.__name__} must extend TenantModel"
    assert isinstance(model._default_manager, TenantManager), "default manager must be scoped"
    assert type(model.all_agencies) is models.Manager
    agency = model._meta.get_field("agency")
    assert not agency.null and agency.default is models.NOT_PROVIDED
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "agency" in constraint.fields, f"{constraint.name} must include agency"
    assert not model._meta.unique_together, "use UniqueConstraint including agency"
    for index in model._meta.indexes:
        assert index.fields[0] == "agency", f"index {index.name} must lead with agency"
    for field in model._meta.fields:
        if (model._meta.label, field.name) in GLOBAL_IDENTIFIERS:
            continue
        assert not field.unique or field.primary_key, f"{field.name}: unique without agency"


def test_default_manager_raises_outside_a_scope(db):
    MembershipFactory()
    with pytest.raises(TenantScopeError):
        list(Membership.objects.all())


def test_default_manager_returns_only_the_scoped_agency(db):
    mine, theirs = MembershipFactory(), MembershipFactory()
    with agency_scope(mine.agency):
        assert list(Membership.objects.all()) == [mine]
        assert not Membership.objects.filter(pk=theirs.pk).exists()
    assert Membership.all_agencies.count() == 2
