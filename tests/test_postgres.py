"""Behaviour that needs PostgreSQL's row locks: concurrent changes that must not both win."""

import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from agencies import services
from agencies.models import Membership, Role
from tests.factories import MembershipFactory
from tests.races import a_backend_waits_for_a_lock, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_coordinators_demoting_each_other_at_once_leave_one(agency_a):
    assert connection.vendor == "postgresql"
    first, second = MembershipFactory.create_batch(2, agency=agency_a, role=Role.COORDINATOR)
    counted, release = threading.Event(), threading.Event()
    original_count = services._coordinator_count
    outcomes = {}

    def count_then_hold(agency):
        count = original_count(agency)
        if threading.current_thread().name == "first":
            counted.set()
            release.wait(10)  # keep the first transaction (and its row locks) open
        return count

    def demote(membership, name):
        try:
            services.membership_change_role(
                agency=agency_a, actor=membership.user, membership=membership, role=Role.EDITOR
            )
            outcomes[name] = "demoted"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    with mock.patch.object(services, "_coordinator_count", count_then_hold):
        one = threading.Thread(target=demote, args=(first, "first"), name="first")
        one.start()
        assert counted.wait(10)
        two = threading.Thread(target=demote, args=(second, "second"), name="second")
        two.start()
        wait_until(a_backend_waits_for_a_lock)  # the second blocks on the first's locks
        release.set()
        one.join(10)
        two.join(10)

    assert outcomes == {"first": "demoted", "second": "refused"}
    roles = sorted(Membership.all_agencies.filter(agency=agency_a).values_list("role", flat=True))
    assert roles == [Role.COORDINATOR, Role.EDITOR]


def test_bulk_inserts_keep_every_character_and_null(agency_a):
    from datetime import date

    from onemind.lib.bulk import insert_rows
    from training.models import Person

    tricky = 'O\\Brien\t"Jr"\nline; é'
    insert_rows(
        Person,
        [{"agency_id": agency_a.pk, "employee_id": "X1", "last_name": tricky, "first_name": "",
          "category": "sworn", "selected": True, "hire_date": None,
          "status_changed_on": date(2024, 2, 29)}],
    )  # fmt: skip
    person = Person.all_agencies.get(employee_id="X1")
    assert (person.last_name, person.first_name, person.selected) == (tricky, "", True)
    assert (person.hire_date, person.status_changed_on) == (None, date(2024, 2, 29))
    assert person.public_id is not None and person.status == "active"
