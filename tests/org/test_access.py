"""Role resolution (org.access): who holds which role where, read from the role assignments only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koshiki.org import access
from koshiki.org.roles import Role
from koshiki.people.actions import do_end_role

pytestmark = pytest.mark.django_db


def test_roles_are_read_once_per_request_and_dropped_when_they_change(city):
    head = city.people["head"]
    with CaptureQueriesContext(connection) as queries:
        assert access.role_values(head) == {Role.SECTION_HEAD}
        assert access.municipality_of(head) == city.municipality
        assert access.has_role(head, Role.SECTION_HEAD)
    assert len(queries) == 1
    assignment = access.roles_of(head)[0]
    do_end_role(city.people["office"], assignment)
    access.forget_roles(head)
    assert access.roles_of(head) == []


def test_a_section_head_sees_their_subtree_and_the_office_the_whole_tree(city):
    mine = {u.name for u in access.units_visible_to(city.people["bureau_head"])}
    assert mine == {"総務局", "広報課", "市立動物園"}
    everything = {u.name for u in access.units_visible_to(city.people["office"])}
    assert everything == {"総務局", "広報課", "観光局", "観光課", "市立動物園"}
    assert not access.units_visible_to(city.people["operator"]).exists()


def test_a_section_head_assigns_operators_only_below_their_own_unit(city):
    head = city.people["head"]
    m = city.municipality
    assert access.can_assign_role(head, m, Role.OPERATOR, city.units["a"])
    assert not access.can_assign_role(head, m, Role.OPERATOR, city.units["b"])
    assert not access.can_assign_role(head, m, Role.AUDITOR, city.units["a"])
    assert access.can_assign_role(city.people["office"], m, Role.AUDITOR, None)
    assert not access.can_assign_role(city.people["auditor"], m, Role.OPERATOR, city.units["a"])


def test_a_person_without_a_role_holds_nothing(city):
    nobody = city.people["nobody"]
    assert access.roles_of(nobody) == [] and access.municipality_of(nobody) is None
    assert not access.can_view_org(nobody) and not access.can_assign_roles(nobody, city.municipality)
