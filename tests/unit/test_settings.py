"""Settings are declared as data: typed values with defaults and limits, changes checked and audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from zkdesk.services import settings
from zkdesk.services.errors import PermissionDenied, UserError
from zkdesk.store.models import AuditEntry


def test_every_declared_setting_has_a_chinese_label_and_a_default_of_its_kind(county_db):
    db, _admin = county_db
    with db.read_session() as s:
        for key, spec in settings.SPECS.items():
            assert spec.label and all(ord(ch) > 127 or not ch.isalpha() for ch in spec.label), key
            got = settings.value(s, key)
            expected_type = {"int": int, "bool": bool, "text": str, "dates": tuple}[spec.kind]
            assert isinstance(got, expected_type), key


def test_a_change_is_checked_stored_typed_and_audited_with_its_label(county_db):
    db, admin = county_db
    with db.session() as s:
        assert settings.change(s, admin, "import_row_limit", 5000) is True
        assert settings.change(s, admin, "import_row_limit", 5000) is False  # unchanged: no audit row
        with pytest.raises(UserError, match="导入表格的最大行数”应在1到1048576之间"):
            settings.change(s, admin, "import_row_limit", 0)
        settings.change(s, admin, "workdays.holidays", (date(2026, 10, 1), date(2026, 5, 1)))
    with db.read_session() as s:
        assert settings.value(s, "import_row_limit") == 5000
        assert settings.value(s, "workdays.holidays") == (date(2026, 5, 1), date(2026, 10, 1))
        details = [e.details for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "setting"))]
    assert len(details) == 2 and "导入表格的最大行数" in details[0] and "2026-05-01" in details[1]


def test_an_unreadable_stored_value_falls_back_to_the_default(county_db):
    db, _admin = county_db
    with db.session() as s:
        settings.put_raw(s, "work_year", "二〇二六")
        settings.put_raw(s, "idle_lock_seconds", "99999999")
    with db.read_session() as s:
        assert settings.value(s, "work_year") == date.today().year
        assert settings.value(s, "idle_lock_seconds") == 24 * 3600  # clamped to its maximum


def test_who_may_change_a_setting_is_part_of_its_declaration(county_db):
    from zkdesk.domain.roles import Role
    from zkdesk.services.actor import Actor

    db, _admin = county_db
    viewer = Actor("v", "查看员", Role.VIEWER, "530924")
    with db.session() as s, pytest.raises(PermissionDenied):
        settings.change(s, viewer, "work_year", 2026)
