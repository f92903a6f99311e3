"""The initiative's models, one module per idea, re-exported here so callers and migrations
name them as `assistance.models.X`."""

from assistance.models.library import (
    TIME_ZONES,
    Audience,
    Event,
    EventKind,
    Requirement,
    Resource,
    ResourceAudience,
    ResourceKind,
    ResourceRequirement,
    Status,
    Topic,
)

__all__ = [
    "Audience",
    "Event",
    "EventKind",
    "Requirement",
    "Resource",
    "ResourceAudience",
    "ResourceKind",
    "ResourceRequirement",
    "Status",
    "TIME_ZONES",
    "Topic",
]
from assistance.models.peers import (  # noqa: E402
    PeerOffer,
    PeerRequest,
    PeerRequestStatus,
)

__all__ += ["PeerOffer", "PeerRequest", "PeerRequestStatus"]
