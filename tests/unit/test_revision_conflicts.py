"""Several clerks on one office database: a save over someone else's newer change is refused
with who changed what, the database keeps their change, and 仍然覆盖 (saving again with the
current revision) replaces it. Runs on the SQLite file and, in the PostgreSQL pass, on a server."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.actor import Actor
from zkdesk.services.auth import login_and_commit
from zkdesk.services.catalog import plan_indicators
from zkdesk.services.enterprises import EnterpriseInput, create_enterprise, delete_enterprise, get_enterprise, update_enterprise
from zkdesk.services.errors import user_message
from zkdesk.services.indicator_values import ValueEntry, entry_sheet, save_values
from zkdesk.services.progress import plan_by_code
from zkdesk.services.records import RecordChanged
from zkdesk.store.models import AuditEntry, Enterprise, IndicatorValue

NANSAN = "530924103"


def _clerks(db, admin) -> tuple[Actor, Actor]:
    with db.session() as s:
        for name in ("zhang", "li"):
            accounts.create_user(s, admin, name, {"zhang": "张三", "li": "李四"}[name], Role.CLERK, f"{name}-pass-123")
    return login_and_commit(db, "zhang", "zhang-pass-123"), login_and_commit(db, "li", "li-pass-123")


def test_saving_over_a_newer_change_names_who_changed_what_and_keeps_theirs(county_db):
    db, admin = county_db
    zhang, li = _clerks(db, admin)
    with db.session() as s:
        rid = create_enterprise(s, admin, EnterpriseInput(name="南伞糖厂", township_code=NANSAN)).id
    with db.read_session() as s:
        zhang_form = get_enterprise(s, zhang, rid)
        li_form = get_enterprise(s, li, rid)
    assert zhang_form.revision == li_form.revision == 1
    with db.session() as s:
        update_enterprise(s, li, rid, replace(li_form.data, contact_phone="13800000001", address="南伞镇"),
                          seen_revision=li_form.revision)
    audit_before = _audit_count(db)

    with pytest.raises(RecordChanged) as caught:
        with db.session() as s:
            update_enterprise(s, zhang, rid, replace(zhang_form.data, note="张三的备注"), seen_revision=zhang_form.revision)
    conflict = caught.value
    assert conflict.changed_by == ("li",)
    assert set(conflict.fields) == {"联系电话", "地址"}
    assert (conflict.seen_revision, conflict.current_revision) == (1, 2)
    message = user_message(conflict)
    assert message.startswith("李四（li） 在 ") and "企业“南伞糖厂”" in message and "联系电话" in message
    assert "重新载入" in message and "仍然覆盖" in message
    with db.read_session() as s:
        ent = s.get(Enterprise, rid)
        assert (ent.contact_phone, ent.note, ent.revision) == ("13800000001", "", 2)
    assert _audit_count(db) == audit_before

    # 仍然覆盖: the same form saved again over the revision the conflict named
    with db.session() as s:
        update_enterprise(s, zhang, rid, replace(zhang_form.data, note="张三的备注"), seen_revision=conflict.current_revision)
    with db.read_session() as s:
        ent = s.get(Enterprise, rid)
        assert (ent.contact_phone, ent.note, ent.revision) == ("", "张三的备注", 3)  # their change overwritten, on purpose


def test_deleting_a_record_someone_just_changed_is_refused(county_db):
    db, admin = county_db
    zhang, li = _clerks(db, admin)
    with db.session() as s:
        rid = create_enterprise(s, admin, EnterpriseInput(name="勐捧茶厂", township_code="530924102")).id
    with db.read_session() as s:
        seen = get_enterprise(s, zhang, rid)
    with db.session() as s:
        update_enterprise(s, li, rid, replace(seen.data, industry="制茶"), seen_revision=seen.revision)
    with pytest.raises(RecordChanged, match="li"):
        with db.session() as s:
            delete_enterprise(s, zhang, rid, seen_revision=seen.revision)
    with db.read_session() as s:
        assert s.get(Enterprise, rid).deleted is False


def test_a_value_grid_saved_over_a_newer_value_is_refused_whole(county_db):
    db, admin = county_db
    zhang, li = _clerks(db, admin)
    with db.read_session() as s:
        plan_id = plan_by_code(s, "zk-2021-2025").id
        typed = [i.id for i in plan_indicators(s, plan_id) if not i.source and i.kind != "rate"][:2]
        sheet_z = entry_sheet(s, zhang, plan_id, NANSAN, 2024)
        sheet_l = entry_sheet(s, li, plan_id, NANSAN, 2024)
    rev = {r.indicator_id: r.revision for r in sheet_z.rows}
    assert all(rev[i] == 0 for i in typed)  # nothing entered yet
    with db.session() as s:
        save_values(s, li, plan_id, NANSAN, 2024, [ValueEntry(typed[0], value="5", seen_revision=0)])
    entries = [ValueEntry(i, value="9", seen_revision=rev[i]) for i in typed]
    with pytest.raises(RecordChanged) as caught:
        with db.session() as s:
            save_values(s, zhang, plan_id, NANSAN, 2024, entries)
    assert caught.value.changed_by == ("li",) and "数值" in caught.value.fields
    with db.read_session() as s:
        values = {v.indicator_id: v.value for v in s.scalars(select(IndicatorValue).where(IndicatorValue.year == 2024))}
    assert values == {typed[0]: 5.0}  # li's value kept, none of zhang's batch written
    assert {r.indicator_id: r.revision for r in sheet_l.rows}[typed[0]] == 0


def test_without_a_seen_revision_nothing_is_checked(county_db):
    """Imports and the exchange decide for themselves; only forms hand a revision back."""
    db, admin = county_db
    with db.session() as s:
        rid = create_enterprise(s, admin, EnterpriseInput(name="木场砖厂", township_code="530924204")).id
    for note in ("一", "二"):
        with db.session() as s:
            detail = get_enterprise(s, admin, rid)
            update_enterprise(s, admin, rid, replace(detail.data, note=note))
    with db.read_session() as s:
        assert s.get(Enterprise, rid).note == "二"


def _audit_count(db) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count(AuditEntry.id)))
