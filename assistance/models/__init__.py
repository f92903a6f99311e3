"""The initiative's models, one module per idea, re-exported here so callers and migrations
name them as `assistance.models.X`."""

from assistance.models.library import (
    Audience,
    Event,
    EventKind,
    Requirement,
    Resource,
    ResourceKind,
    Topic,
)

__all__ = [
    "Audience",
    "Event",
    "EventKind",
    "Requirement",
    "Resource",
    "ResourceKind",
    "Topic",
]
from assistance.models.peers import (  # noqa: E402
    PeerOffer,
    PeerRequest,
    PeerRequestStatus,
)

__all__ += ["PeerOffer", "PeerRequest", "PeerRequestStatus"]
