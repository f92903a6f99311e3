"""Every region-owned model is built like a tenant model: a mistake fails closed."""

import pytest
from django.apps import apps
from django.db import models

from agencies.models import MemberAgency, Region, RegionMembership
from agencies.regions.scope import RegionManager, RegionOwnedModel, RegionScopeError, region_scope
from agencies.tenancy import TenantScopeError, agency_scope
from tests.factories import MemberAgencyFactory, RegionMembershipFactory

# Rows that point at a region without belonging to it, and why.
NOT_REGION_OWNED = {
    "agencies.AuditEvent": "the trail holds every kind of event; a region's are read by region",
    "partnerships.Partnership": "the lead agency's row; a region that recorded a shared MOU "
    "for its members is noted on it, and reads only the partnerships that name it so",
}


def region_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.label not in NOT_REGION_OWNED
        and any(
            isinstance(field, models.ForeignKey) and field.related_model is Region
            for field in model._meta.get_fields()
        )
    ]


def test_there_are_region_models_to_check():
    assert {RegionMembership, MemberAgency} <= set(region_models())


@pytest.mark.parametrize("model", region_models(), ids=lambda m: m._meta.label)
def test_region_model_has_scoped_manager_and_region_key(model):
    assert issubclass(model, RegionOwnedModel), f"{model.__name__} must extend RegionOwnedModel"
    assert isinstance(model._default_manager, RegionManager), "default manager must be scoped"
    assert type(model.all_regions) is models.Manager
    region = model._meta.get_field("region")
    assert not region.null and region.default is models.NOT_PROVIDED
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "region" in constraint.fields, f"{constraint.name} must include region"
    for index in model._meta.indexes:
        assert index.fields[0] in ("region", "agency"), f"{index.name} must lead with its scope"
    for field in model._meta.fields:
        assert not field.unique or field.primary_key, f"{field.name}: unique without region"


def test_default_manager_raises_outside_a_region_scope(db):
    RegionMembershipFactory()
    with pytest.raises(RegionScopeError):
        list(RegionMembership.objects.all())


def test_default_manager_returns_only_the_scoped_region(db):
    mine, theirs = RegionMembershipFactory(), RegionMembershipFactory()
    with region_scope(mine.region):
        assert list(RegionMembership.objects.all()) == [mine]
        assert not RegionMembership.objects.filter(pk=theirs.pk).exists()


def test_a_member_agency_row_is_scoped_on_both_sides(db):
    """The region sees its rows; the agency sees its own; neither outside a scope."""
    mine, other = MemberAgencyFactory(), MemberAgencyFactory()
    with pytest.raises(RegionScopeError):
        list(MemberAgency.objects.all())
    with pytest.raises(TenantScopeError):
        list(MemberAgency.of_agency.all())
    with region_scope(mine.region):
        assert list(MemberAgency.objects.all()) == [mine]
    with agency_scope(other.agency):
        assert list(MemberAgency.of_agency.all()) == [other]
