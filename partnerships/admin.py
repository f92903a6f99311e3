from django.contrib import admin

from agencies.admin import AllAgenciesAdmin
from partnerships.models import (
    MentalHealthOrganization,
    Partnership,
    PartnershipParty,
    PartnershipVersion,
)


@admin.register(MentalHealthOrganization)
class OrganizationAdmin(AllAgenciesAdmin):
    list_display = ["name", "agency", "organization_type"]
    list_filter = ["organization_type"]
    search_fields = ["name", "agency__name"]


@admin.register(Partnership)
class PartnershipAdmin(AllAgenciesAdmin):
    list_display = ["title", "organization", "agency", "terminated_on"]
    search_fields = ["title", "organization__name", "agency__name"]


@admin.register(PartnershipVersion)
class PartnershipVersionAdmin(AllAgenciesAdmin):
    list_display = ["partnership", "kind", "signed_on", "effective_on", "expires_on"]
    list_filter = ["kind"]
    list_select_related = ["partnership__organization"]  # a partnership names its organization


@admin.register(PartnershipParty)
class PartnershipPartyAdmin(AllAgenciesAdmin):
    list_display = ["partnership", "agency", "status", "left_on"]
    list_filter = ["status"]
    list_select_related = ["partnership__organization", "agency"]
