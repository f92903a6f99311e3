"""The pledges app's models, one module per concept; every name is importable from here, as
the rest of the project and the migrations do (`pledges.models.Pledge`)."""

from pledges.models.certification import (
    CERTIFIED_IDENTITY,
    REQUIREMENT_TITLES,
    Certificate,
    CertificateSequence,
    Decision,
    Review,
    certificate_path,
    place_in_words,
)
from pledges.models.emails import (
    EmailKind,
    EmailPreference,
    RegionEmailPreference,
    ReportFrequency,
    StaffEmailPreference,
)
from pledges.models.pledge import (
    OPEN_STATUSES,
    SIGNED_OPEN_STATUSES,
    Pledge,
    PledgeStatus,
    ProgressSnapshot,
    Submission,
)
from pledges.models.policy import NEWEST_FIRST, POLICY_ELEMENTS, CrisisPolicy
from pledges.models.rules import CitBase, CoverageMode, ProgramRules, ProgramRulesQuerySet
from pledges.models.standing import AgencyStanding

__all__ = [
    "AgencyStanding",
    "CERTIFIED_IDENTITY",
    "NEWEST_FIRST",
    "OPEN_STATUSES",
    "POLICY_ELEMENTS",
    "REQUIREMENT_TITLES",
    "SIGNED_OPEN_STATUSES",
    "Certificate",
    "CertificateSequence",
    "CitBase",
    "CoverageMode",
    "CrisisPolicy",
    "Decision",
    "EmailKind",
    "EmailPreference",
    "Pledge",
    "PledgeStatus",
    "ProgramRules",
    "ProgramRulesQuerySet",
    "ProgressSnapshot",
    "RegionEmailPreference",
    "ReportFrequency",
    "Review",
    "StaffEmailPreference",
    "Submission",
    "certificate_path",
    "place_in_words",
]
