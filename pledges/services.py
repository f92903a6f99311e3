"""Writes of the pledges app: each in one transaction with its audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from agencies import documents
from agencies.audit import record_event, snapshot
from agencies.documents import CheckedUpload
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, DocumentKind, User
from agencies.tenancy import agency_scope
from agencies.validation import validate
from pledges.models import NEWEST_FIRST, POLICY_ELEMENTS, CrisisPolicy

POLICY_FIELDS = [
    "title",
    "adopted_on",
    "effective_on",
    "based_on_iacp_model",
    *(name for name, _ in POLICY_ELEMENTS),
    "change_summary",
]


def policy_adopt(
    *, agency: Agency, actor: User, document: CheckedUpload | None = None, **fields: Any
) -> CrisisPolicy:
    """Record an adopted version of the crisis-response policy; it supersedes the earlier
    one from its effective date. Without a new file, the previous version's document stays."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not policy fields: {', '.join(sorted(unknown))}")
    policy = CrisisPolicy(
        agency=agency,
        created_by=actor,
        **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
    )
    if policy.adopted_on and policy.adopted_on > agency.today():
        raise ValidationError({"adopted_on": "Record the policy once it is adopted."})
    with agency_scope(agency), transaction.atomic():
        # The version the form offered to keep the document of.
        previous = CrisisPolicy.objects.order_by(*NEWEST_FIRST).first()
        if document is None and previous is None:
            raise ValidationError({"document": "Attach the policy document."})
        validate(policy, exclude=["document"])  # checked before the file is stored
        policy.document = (
            documents.store(document, agency=agency, actor=actor, kind=DocumentKind.POLICY)
            if document
            else previous.document
        )
        policy.save()
        record_event(
            action="policy.adopted",
            actor=actor,
            agency=agency,
            obj=policy,
            values={
                **snapshot(policy, POLICY_FIELDS),
                "document": documents.audit_value(policy.document),
                "supersedes": str(previous.public_id) if previous else None,
            },
        )
        announce_evidence_changed(agency)
    return policy
