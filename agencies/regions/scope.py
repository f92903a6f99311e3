"""The region scope, built as the agency scope is (`agencies.tenancy`).

A request under /r/<slug>/ enters the scope of the region its user belongs to
(RegionScopeMiddleware); a service or task working for one region enters it with
`region_scope(region)`. Outside a scope the default manager of a region-owned model raises;
cross-region code (staff pages, nightly digests, admin) uses the `all_regions` manager.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from agencies.regions.models import Region

_current_region: ContextVar[Region | None] = ContextVar("current_region", default=None)


class RegionScopeError(RuntimeError):
    """A region-owned model was queried outside any region scope."""


def current_region() -> Region | None:
    return _current_region.get()


@contextmanager
def region_scope(region: Region) -> Iterator[Region]:
    """Run the enclosed code for one region: region managers return only its rows."""
    token = _current_region.set(region)
    try:
        yield region
    finally:
        _current_region.reset(token)


def enter_region_scope(region: Region):
    return _current_region.set(region)


def leave_region_scope(token) -> None:
    _current_region.reset(token)


class RegionManager(models.Manager):
    """The default manager of region-owned models: the current region's rows, or an error."""

    def get_queryset(self) -> models.QuerySet:
        region = _current_region.get()
        if region is None:
            raise RegionScopeError(
                f"{self.model.__name__}.objects used outside a region scope; "
                f"use region_scope(region) or {self.model.__name__}.all_regions."
            )
        return super().get_queryset().filter(region=region)


class RegionOwnedModel(models.Model):
    """A region's row: region key, random public id, scoped and unscoped managers.

    Subclasses put `region` first in every index and uniqueness rule.
    """

    region = models.ForeignKey("agencies.Region", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = RegionManager()
    all_regions = models.Manager()  # noqa: DJ012 - a manager; ruff counts only `objects`

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["region", "public_id"], name="%(app_label)s_%(class)s_region_public_id"
            )
        ]
