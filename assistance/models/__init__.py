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

from assistance.models.newsletter import (  # noqa: E402
    Newsletter,
    NewsletterItem,
    NewsletterStatus,
    NewsletterSubscription,
    Spotlight,
    SpotlightConsent,
)

__all__ += [
    "Newsletter",
    "NewsletterItem",
    "NewsletterStatus",
    "NewsletterSubscription",
    "Spotlight",
    "SpotlightConsent",
]
