"""An agency's evaluation of the day, kept in the shared cache until its evidence changes.

The dashboard is the page agency members open most, and its evaluation (the training
aggregate, the MOUs and the policy in force) is most of its cost. The cached evaluation is
keyed by the agency's evidence version, which every committed evidence change renews
(`agencies.hooks.evidence_changed`), and by the day and the rules: a change shows at once,
and an unchanged agency is read from the cache. If the cache is unreachable the evaluation
is computed as before; entries also expire, so a renewal lost with the cache cannot keep a
stale figure for long.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.core.cache import cache

from onemind.cache import cached
from pledges.engine import progress
from pledges.engine.evaluation import Evaluation
from pledges.models import ProgramRules

log = logging.getLogger(__name__)

EVALUATION_SECONDS = 10 * 60


def _version_key(agency_id: int) -> str:
    return f"evidence-version:{agency_id}"


def evidence_changed(agency_id: int) -> None:
    """A committed change to the agency's evidence: later reads compute afresh."""
    try:
        cache.set(_version_key(agency_id), uuid.uuid4().hex, None)
    except Exception:  # the entries expire on their own
        log.exception("Could not renew the evidence version of agency %s", agency_id)


def _evidence_version(agency_id: int) -> str:
    key = _version_key(agency_id)
    version = cache.get(key)
    if version is None:  # never set, or evicted: start a new version
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def evaluation(agency, on: date, rules: ProgramRules) -> Evaluation:
    """`progress.agency_evaluation`, from the cache when the evidence has not changed."""

    def evaluate() -> Evaluation:
        return progress.agency_evaluation(agency, on, rules=rules)

    try:
        version = _evidence_version(agency.pk)
    except Exception:
        log.exception("The cache is unreachable: evaluating agency %s directly", agency.pk)
        return evaluate()
    key = f"evaluation:{agency.pk}:{on.isoformat()}:{rules.pk}:{version}"
    return cached(key, evaluate, EVALUATION_SECONDS)
