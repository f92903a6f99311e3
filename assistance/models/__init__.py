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
from assistance.models.newsletter import (
    Newsletter,
    NewsletterItem,
    NewsletterStatus,
    NewsletterSubscription,
    Spotlight,
    SpotlightConsent,
)
from assistance.models.peers import PeerOffer, PeerRequest, PeerRequestStatus
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
    "ResourceAudience",
    "ResourceKind",
    "ResourceRequirement",
    "Status",
    "TIME_ZONES",
    "Topic",
    "Newsletter",
    "NewsletterItem",
    "NewsletterStatus",
    "NewsletterSubscription",
    "Spotlight",
    "SpotlightConsent",
    "PeerOffer",
    "PeerRequest",
    "PeerRequestStatus",
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
