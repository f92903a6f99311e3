"""The product's forms as people fill them in: a valid submission of each, which a test
changes where it needs to."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from tests import files
from tests.factories import PASSWORD

# A new account, as the sign-up page asks for it.
NEW_ACCOUNT = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "email": "dana.reyes@riverton.example",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def sign_up(client, query: str = "", **changes):
    """Send the sign-up form (`query` added to its address), changed where `changes` says."""
    return client.post(reverse("account_signup") + query, {**NEW_ACCOUNT, **changes})


# A new agency's registration, with a lower-case ORI and a state by its name.
NEW_AGENCY = {
    "name": "Fairview Police Department",
    "slug": "",
    "agency_type": "municipal",
    "ori": "or0260500",
    "country": "US",
    "region": "Oregon",
    "locality": "Fairview",
    "sworn_strength": "27",
    "time_zone": "America/Los_Angeles",
    "confirm": "on",
}


def register(client, **changes):
    """Send the registration form, changed where `changes` says."""
    return client.post(reverse("agency_register"), {**NEW_AGENCY, **changes})


# A sworn officer added to the roster, the employee ID typed with spaces around it.
NEW_PERSON = {
    "employee_id": " 1042 ",
    "first_name": "Maria",
    "last_name": "Delgado",
    "email": "",
    "rank": "Officer",
    "category": "sworn",
    "position": "patrol",
    "hire_date": "2019-06-03",
}


def agreement_form(organization, **overrides):
    """A new agreement with `organization`, signed five days ago and in force since yesterday."""
    today = Agency().today()
    form = {
        "organization": organization.pk,
        "title": "Crisis stabilization MOU",
        "program_models": ["cit", "drop_off"],
        "alternative": "24/7 drop-off at the crisis stabilization unit.",
        "referral_criteria": "Adults in crisis with no violent felony charge.",
        "custody_transfer": "The officer leaves once the clinician accepts the person.",
        "information_sharing": "Minimum necessary under HIPAA; no 42 CFR Part 2 records.",
        "review_cadence": "quarterly",
        "signed_on": (today - timedelta(days=5)).isoformat(),
        "effective_on": (today - timedelta(days=1)).isoformat(),
        "expires_on": (today + timedelta(days=3 * 365)).isoformat(),
        "signatory_1_name": "Chief Ana Rivera",
        "signatory_1_title": "Chief of Police",
        "signatory_1_organization": "Millbrook PD",
        "signatory_2_name": "Dr. Lee Park",
        "signatory_2_title": "Director",
        "document": files.pdf("MOU signed.pdf"),
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def renewal_form(organization):
    """A renewal signed today, in force three weeks from now for three years."""
    today = Agency().today()
    form = agreement_form(
        organization,
        summary="Three more years, same terms.",
        signed_on=today.isoformat(),
        effective_on=(today + timedelta(days=21)).isoformat(),
        expires_on=(today + timedelta(days=21 + 3 * 365)).isoformat(),
        document=files.pdf("MOU renewal.pdf"),
    )
    del form["organization"], form["title"]
    return form


def policy_form(**overrides):
    """A complete policy, adopted twenty days ago and in force for ten."""
    today = Agency().today()
    form = {
        "title": "Responding to persons in crisis",
        "adopted_on": (today - timedelta(days=20)).isoformat(),
        "effective_on": (today - timedelta(days=10)).isoformat(),
        "based_on_iacp_model": "on",
        "definitions_at": "§ 2",
        "signs_and_symptoms_at": "§ 3.A",
        "risk_assessment_at": "§ 3.B",
        "referrals_at": "§ 4",
        "care_providers_at": "Appendix A",
        "training_at": "§ 6",
        "document": files.docx("Crisis policy 2026.docx"),
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def new_rules(**overrides):
    """A program rules version taking effect in thirty days."""
    return {
        "name": "2027 rules",
        "effective_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "cit_minimum_percent": 25,
        "coverage_target_percent": 100,
        "coverage_mode": "cit_or_mhfa",
        "equivalents_count": "on",
        "window_min_months": 12,
        "window_max_months": 36,
        "description": "A quarter with CIT.",
        **overrides,
    }
