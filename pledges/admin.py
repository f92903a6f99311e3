from django.contrib import admin

from agencies.admin import AllAgenciesAdmin
from pledges.models import CrisisPolicy


@admin.register(CrisisPolicy)
class CrisisPolicyAdmin(AllAgenciesAdmin):
    list_display = ["title", "agency", "adopted_on", "effective_on"]
    search_fields = ["title", "agency__name"]
