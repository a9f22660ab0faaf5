"""Browsing, filtering and exporting the audit trail; the disclosure helper; masking."""

import json
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from zkdesk.domain.roles import Role
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.services import accounts, audit
from zkdesk.services.actor import Actor
from zkdesk.services.audit_log import AuditFilter, count_audit, filter_choices, search_audit
from zkdesk.services.auth import login_and_commit
from zkdesk.services.privacy import mask_for, mask_id_number, mask_phone, mask_text
from zkdesk.store.models import AuditEntry


def _office_with_history(db, admin):
    with db.session() as s:
        accounts.create_user(s, admin, "li_na", "李娜", Role.CLERK, "li-na-pass-1")
    login_and_commit(db, "li_na", "li-na-pass-1")
    with db.session() as s:
        audit.record(s, "li_na", "update", "nomination", "n-1", {"old": {"phone": "13812345678"}, "new": {"phone": "13987654321"}})
        last = audit.record(s, "li_na", "create", "enterprise", "e-1", {"new": {"name": "南伞糖厂"}})
    return last.id


def test_filter_by_user_action_entity_and_dates(county_db):
    db, admin = county_db
    _office_with_history(db, admin)
    with db.session() as s:
        everything = search_audit(s, admin)
        assert [r.action for r in everything][:3] == ["create", "update", "login"]  # newest first
        assert {r.username for r in search_audit(s, admin, AuditFilter(username="li_na"))} == {"li_na"}
        assert [r.entity_id for r in search_audit(s, admin, AuditFilter(entity="nomination"))] == ["n-1"]
        assert [r.username for r in search_audit(s, admin, AuditFilter(action="create", entity="user"))] == ["admin"]
        today = date.today()
        assert count_audit(s, admin, AuditFilter(date_from=today, date_to=today)) == len(everything)
        assert count_audit(s, admin, AuditFilter(date_to=today - timedelta(days=1))) == 0
        choices = filter_choices(s, admin)
        assert choices.usernames == ["admin", "li_na"] and "nomination" in choices.entities and "login" in choices.actions
        row = search_audit(s, admin, AuditFilter(entity="nomination"))[0]
        # numbers enter the trail masked for everyone: it is hashed as written and never sealed
        assert row.summary == "联系电话：138****5678 → 139****4321" and row.action_label == "修改"


def test_dates_are_local_days(county_db):
    db, admin = county_db
    with db.session() as s:
        e = audit.record(s, "admin", "print", "report", "r-1")
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    with db.session() as s:  # moving a row in time breaks the chain; only the filter is tested here
        s.execute(update(AuditEntry).where(AuditEntry.id == e.id).values(at=ten_days_ago))
    with db.session() as s:
        day = ten_days_ago.astimezone().date()
        assert [r.id for r in search_audit(s, admin, AuditFilter(date_from=day, date_to=day))] == [e.id]


def test_export_writes_every_matching_entry_and_is_logged_as_a_disclosure(county_db, tmp_path):
    db, admin = county_db
    _office_with_history(db, admin)
    out = tmp_path / "log.xlsx"
    with db.session() as s:
        count = export_audit_xlsx(s, admin, AuditFilter(username="li_na"), out)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "用户", "操作") and len(rows) == count + 1
    assert {r[2] for r in rows[1:]} == {"li_na"}
    with db.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.username, last.action) == ("admin", "disclose_personal")
    assert json.loads(last.details)["count"] == count


def test_personal_data_disclosed_helper(county_db):
    db, admin = county_db
    with db.session() as s:
        audit.personal_data_disclosed(s, admin, "劳模推荐名单导出（Excel）", 12)
        assert audit.verify_chain(s).ok
    with db.session() as s:
        row = search_audit(s, admin, AuditFilter(action="disclose_personal"))[0]
    assert row.summary == "条数：12；内容：劳模推荐名单导出（Excel）" and row.action_label == "导出/打印个人信息"


def test_masking_helpers():
    viewer = Actor("v", "看", Role.VIEWER, "530924")
    clerk = Actor("c", "录", Role.CLERK, "530924")
    assert mask_id_number("53092419900101123X") == "530924********123X"
    assert mask_id_number("530924900101123") == "530924*****1123"  # 15-digit old number
    assert mask_phone("13812345678") == "138****5678" and mask_phone("0883-1234567") == "088*****4567"
    assert mask_for(viewer, id_number="") == "" and mask_for(viewer, phone="13812345678") == "138****5678"
    assert mask_for(clerk, id_number="53092419900101123X") == "53092419900101123X"
    text = "身份证53092419900101123X，电话13812345678，编号12345"
    assert mask_text(viewer, text) == "身份证530924********123X，电话138****5678，编号12345"
    assert mask_text(clerk, text) == text


def test_the_audit_screens_filters_are_indexed(county_db):
    """Each filter of the audit screen (time, user, action, record) is answered from an index,
    not by reading the whole trail (migration 0012_audit_and_sealing)."""
    from zkdesk.services.audit_log import _query

    db, admin = county_db
    today = date.today()
    filters = {
        "ix_audit_log_username": AuditFilter(username="li_na"),
        "ix_audit_log_action": AuditFilter(action="login"),
        "ix_audit_log_entity_entity_id": AuditFilter(entity="nomination"),
        "ix_audit_log_at": AuditFilter(date_from=today - timedelta(days=3), date_to=today),
    }
    with db.session() as s:
        if s.get_bind().dialect.name != "sqlite":  # a server's planner picks by its statistics: the indexes are there
            from sqlalchemy import inspect

            names = {i["name"] for i in inspect(s.connection()).get_indexes("audit_log")}
            assert set(filters) <= names, names
            return
        for index, flt in filters.items():
            sql = str(_query(flt).compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r[-1]) for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert index in plan, (index, plan)
        plan = " ".join(str(r[-1]) for r in s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT at FROM audit_log WHERE entity = 'nomination' AND entity_id = 'n-1'"))
        assert "ix_audit_log_entity_entity_id" in plan
