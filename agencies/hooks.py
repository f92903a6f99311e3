"""The one hook between the evidence apps and the pledge engine.

Roster, training, partnership and policy services announce that an agency's evidence
changed; listeners (the progress recompute) hear it after the change commits. `agencies`
owns the hook so the evidence apps never import the pledge engine.
"""

from django.db import transaction
from django.dispatch import Signal

from agencies.models import Agency

# Sent with `agency` after a transaction that changed the agency's evidence commits.
evidence_changed = Signal()


def announce_evidence_changed(agency: Agency) -> None:
    """Call inside the change's transaction; listeners run once it has committed."""
    transaction.on_commit(lambda: evidence_changed.send(sender=Agency, agency=agency))
