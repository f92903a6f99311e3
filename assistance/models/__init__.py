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
from assistance.models.requests import (
    ANSWER_REQUESTS,
    OPEN_STATUSES,
    AssistanceRequest,
    Expert,
    Outcome,
    RequestAttachment,
    RequestMessage,
    RequestStatus,
    Side,
)

__all__ = [
    "Audience",
    "Event",
    "EventKind",
    "Requirement",
    "Resource",
    "ResourceKind",
    "Topic",
    "ANSWER_REQUESTS",
    "OPEN_STATUSES",
    "AssistanceRequest",
    "Expert",
    "Outcome",
    "RequestAttachment",
    "RequestMessage",
    "RequestStatus",
    "Side",
]
