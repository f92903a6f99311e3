"""Tenancy: every agency-owned row is reachable only inside that agency's scope.

A request under /a/<slug>/ enters the scope of the agency its user belongs to
(AgencyTenancyMiddleware); a service or task working for one agency enters it with
`agency_scope(agency)`. Outside a scope the default manager of a tenant model raises, so a
forgotten filter fails closed instead of returning every agency's rows. Cross-agency code
(staff pages, nightly jobs, admin) says so by using the `all_agencies` manager.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from agencies.models import Agency

_current_agency: ContextVar[Agency | None] = ContextVar("current_agency", default=None)


class TenantScopeError(RuntimeError):
    """A tenant model was queried outside any agency scope."""


def current_agency() -> Agency | None:
    return _current_agency.get()


@contextmanager
def agency_scope(agency: Agency) -> Iterator[Agency]:
    """Run the enclosed code for one agency: tenant managers return only its rows."""
    token = _current_agency.set(agency)
    try:
        yield agency
    finally:
        _current_agency.reset(token)


def enter_agency_scope(agency: Agency):
    """Enter a scope until `leave_agency_scope(token)`; for middleware, which cannot use `with`."""
    return _current_agency.set(agency)


def leave_agency_scope(token) -> None:
    _current_agency.reset(token)


class TenantManager(models.Manager):
    """The default manager of tenant models: the current agency's rows, or an error."""

    def get_queryset(self) -> models.QuerySet:
        agency = _current_agency.get()
        if agency is None:
            raise TenantScopeError(
                f"{self.model.__name__}.objects used outside an agency scope; "
                f"use agency_scope(agency) or {self.model.__name__}.all_agencies."
            )
        return super().get_queryset().filter(agency=agency)


class TenantModel(models.Model):
    """An agency-owned row: agency key, random public id, scoped and unscoped managers.

    Subclasses put `agency` first in every index and uniqueness rule (Citus distributes on
    it too).
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = TenantManager()
    all_agencies = models.Manager()  # noqa: DJ012 - a manager; ruff counts only `objects`

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "public_id"], name="%(app_label)s_%(class)s_public_id"
            )
        ]
