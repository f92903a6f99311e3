"""What a submission freezes for the reviewer: the evaluation, the figures behind it, the
documents it rests on (by fingerprint), the people counted and the people left out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef

from agencies.models import Agency
from partnerships.queries import partnerships
from pledges.engine import policy
from pledges.engine.evaluation import Evaluation
from pledges.engine.scope import frozen_scope
from pledges.models import Pledge
from training.models import (
    CIT_KINDS,
    IN_SCOPE,
    MHFA_KINDS,
    CourseKind,
    Person,
    TrainingRecord,
)
from training.queries import completed_records, valid_records


def frozen_evidence(agency: Agency, pledge: Pledge, evaluation: Evaluation, on: date) -> dict:
    """The snapshot as plain JSON: exactly what is stored and what its fingerprint hashes."""
    return json.loads(canonical(_evidence(agency, pledge, evaluation, on)))


def _evidence(agency: Agency, pledge: Pledge, evaluation: Evaluation, on: date) -> dict:
    in_force = [row for row in partnerships(agency, on) if row.standing.in_force]
    current_policy = policy.in_force(policy.versions(agency), on)
    people = people_with_training(agency, pledge.rules, on)
    return {
        "agency": {"name": agency.name, "public_id": str(agency.public_id)},
        "pledge": {
            "public_id": str(pledge.public_id),
            "rules": pledge.rules.name,
            "pledged_on": pledge.pledged_on,
            "target_date": pledge.target_date,
        },
        "evaluated_on": on,
        "requirements": [asdict(r) for r in evaluation.requirements],
        "partnerships": [
            {
                "title": row.partnership.title,
                "organization": row.partnership.organization.name,
                "version": str(row.standing.version.public_id),
                "kind": row.standing.version.kind,
                "ends_on": row.standing.ends_on,
                "alternative": row.standing.version.alternative,
                "document": _document(row.standing.version.document),
            }
            for row in in_force
        ],
        "policy": current_policy
        and {
            "title": current_policy.title,
            "version": str(current_policy.public_id),
            "adopted_on": current_policy.adopted_on,
            "effective_on": current_policy.effective_on,
            "elements": dict(current_policy.elements),
            "document": _document(current_policy.document),
        },
        "people": [
            [p.employee_id, p.last_name, p.first_name, p.has_cit, p.has_mhfa]
            for p in people.order_by("last_name", "first_name", "employee_id").iterator(2000)
        ],
        **frozen_scope(agency),  # "left_out" and "sworn"
    }


def people_with_training(agency: Agency, rules, on: date):
    """The people in scope, each flagged with CIT and MHFA as the pledge's rules count them:
    with or without equivalents, and lapsed certificates too when the rules let them count."""
    equivalents = rules.equivalents_count
    cit_kinds = CIT_KINDS if equivalents else (CourseKind.CIT,)
    mhfa_kinds = MHFA_KINDS if equivalents else (CourseKind.MHFA,)
    counting = valid_records if rules.training_must_be_current else completed_records
    mine = counting(on, TrainingRecord.all_agencies.filter(person=OuterRef("pk")))
    return Person.all_agencies.filter(IN_SCOPE, agency=agency).annotate(
        has_cit=Exists(mine.filter(course__kind__in=cit_kinds)),
        has_mhfa=Exists(mine.filter(course__kind__in=mhfa_kinds)),
    )


def _document(document) -> dict | None:
    if document is None:
        return None
    return {"id": str(document.public_id), "file": document.filename, "sha256": document.sha256}


def canonical(snapshot: dict) -> str:
    return json.dumps(snapshot, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))


def fingerprint(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON: what a reviewer's decision will cite."""
    return hashlib.sha256(canonical(snapshot).encode()).hexdigest()
