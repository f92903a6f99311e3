"""Demo MOUs and crisis-response policies for the demo agencies; run after demo_data."""

from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils.html import escape
from weasyprint import HTML

from agencies.documents import AGREEMENT_TYPES, check_upload
from agencies.models import Agency, Membership, Role
from onemind.lib.dates import add_months
from partnerships import services as partnership_services
from partnerships.models import MentalHealthOrganization
from pledges import services as pledge_services
from pledges.engine import progress
from pledges.models import CrisisPolicy, Pledge


def pdf(name: str, title: str, body: str):
    html = f"<h1>{escape(title)}</h1><p>{escape(body)}</p>"
    content = HTML(string=html).write_pdf()
    return check_upload(SimpleUploadedFile(name, content), AGREEMENT_TYPES)


class Command(BaseCommand):
    help = "Give the demo agencies partnerships (MOUs) and a policy (idempotent)."

    def handle(self, *args, **options) -> None:
        if settings.HTTPS:
            raise CommandError("Demo data is not loaded where HTTPS=true.")
        millbrook = Agency.objects.filter(slug="millbrook-pd").first()
        if millbrook and not MentalHealthOrganization.all_agencies.filter(agency=millbrook):
            self._millbrook(millbrook)
            self.stdout.write(f"  partnerships and policy of {millbrook.name}")
        if millbrook and not Pledge.all_agencies.filter(agency=millbrook).exists():
            self._pledge_and_history(millbrook)
            self.stdout.write(f"  pledge and progress history of {millbrook.name}")
        harlan = Agency.objects.filter(slug="harlan-county-so").first()
        if harlan and not CrisisPolicy.all_agencies.filter(agency=harlan).exists():
            self._harlan(harlan)
            self.stdout.write(f"  policy of {harlan.name}")

    def _coordinator(self, agency):
        return (
            Membership.all_agencies.filter(agency=agency, role=Role.COORDINATOR)
            .select_related("user")
            .first()
            .user
        )

    def _millbrook(self, agency) -> None:
        actor, today = self._coordinator(agency), agency.today()
        center = partnership_services.organization_create(
            agency=agency,
            actor=actor,
            name="Hudson Valley Crisis Stabilization Center",
            organization_type="crisis_center",
            address="40 Market Street, Millbrook, NY 12545",
            contact_name="Dr. Lena Ortiz",
            contact_email="intake@hvcsc.example",
            contact_phone="(845) 555-0140",
            services=["crisis_stabilization", "drop_off", "follow_up"],
        )
        mobile = partnership_services.organization_create(
            agency=agency,
            actor=actor,
            name="Dutchess Mobile Crisis Team",
            organization_type="mobile_crisis",
            contact_name="Sam Patel",
            services=["mobile_crisis", "co_responder"],
        )
        signatories = [
            {"name": "Dana Whitfield", "title": "Chief of Police", "organization": agency.name},
            {"name": "Dr. Lena Ortiz", "title": "Executive Director", "organization": center.name},
        ]
        partnership_services.partnership_create(
            agency=agency,
            actor=actor,
            organization=center,
            title="Crisis stabilization MOU",
            terms={
                "program_models": ["cit", "drop_off"],
                "signed_on": today - timedelta(days=3 * 365 - 40),
                "effective_on": today - timedelta(days=3 * 365 - 45),
                "expires_on": today + timedelta(days=45),
                "signatories": signatories,
                "alternative": "Officers may bring adults in crisis to the center's 24/7 "
                "drop-off instead of booking them or seeking an emergency hold.",
                "referral_criteria": "Adults in a mental-health crisis with no violent felony.",
                "custody_transfer": "Responsibility passes when the intake clinician signs the "
                "hand-off form; the officer then returns to service.",
                "information_sharing": "Minimum necessary under HIPAA; no 42 CFR Part 2 records.",
                "review_cadence": "quarterly",
            },
            document=pdf(
                "MOU - Hudson Valley CSC.pdf",
                "Memorandum of understanding",
                "Between the Millbrook Police Department and the Hudson Valley Crisis "
                "Stabilization Center.",
            ),
        )
        partnership_services.partnership_create(
            agency=agency,
            actor=actor,
            organization=mobile,
            title="Co-responder agreement",
            terms={
                "program_models": ["co_responder", "mobile_crisis"],
                "signatories": [],
                "alternative": "A clinician rides with patrol on weekday evenings.",
                "signed_on": None,
                "effective_on": None,
                "expires_on": None,
            },
        )
        pledge_services.policy_adopt(
            agency=agency,
            actor=actor,
            title="Response to persons affected by mental illness or in crisis",
            adopted_on=today - timedelta(days=200),
            effective_on=today - timedelta(days=180),
            based_on_iacp_model=True,
            definitions_at="§ 2",
            signs_and_symptoms_at="§ 3.A",
            risk_assessment_at="§ 3.B",
            referrals_at="§ 4",
            care_providers_at="Appendix A",
            training_at="§ 6",
            document=pdf(
                "General Order 4.12.pdf",
                "General Order 4.12",
                "Response to persons affected by mental illness or in crisis.",
            ),
        )

    def _pledge_and_history(self, agency) -> None:
        """Sign the pledge, and fill the chart: progress as it stood each week of the last
        half year, computed from the records' own dates."""
        today = agency.today()
        pledge_services.pledge_sign(
            agency=agency,
            actor=self._coordinator(agency),
            chief_name="Dana Whitfield",
            chief_title="Chief of Police",
            target_date=add_months(today, 14),
            signature="Dana Whitfield",
            affirmed=True,
        )
        for weeks_ago in range(26, -1, -1):
            progress.recompute([agency.pk], today - timedelta(weeks=weeks_ago))

    def _harlan(self, agency) -> None:
        actor, today = self._coordinator(agency), agency.today()
        pledge_services.policy_adopt(
            agency=agency,
            actor=actor,
            title="Mental health calls for service",
            adopted_on=today - timedelta(days=90),
            effective_on=today - timedelta(days=60),
            definitions_at="Part I",
            signs_and_symptoms_at="Part II",
            risk_assessment_at="Part II",
            referrals_at="Part III",
            training_at="Part V",
            document=pdf("SOP 310.pdf", "SOP 310", "Mental health calls for service."),
        )
