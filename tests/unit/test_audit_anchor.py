"""The audit chain's head is kept outside the table (a setting moved with every append, a file
beside every backup): cutting 1, 3 or all entries off the end, or rewriting the tail and
recomputing every hash after it, is found and named; so is doing it and fixing the setting, when
a backup's head disagrees. Appends after the damage do not hide it."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update

from tests import databases
from zkdesk.config import Home
from zkdesk.services import audit
from zkdesk.services.audit import _digest
from zkdesk.services.backups import backup_now, rotate
from zkdesk.services.integrity import verify_any
from zkdesk.services import key_slots
from zkdesk.store.key_material import head_mac_text
from zkdesk.store.audit_head import HEAD_KEY, HEAD_MAC_KEY, backup_heads, read_head, sidecar_of
from zkdesk.store.models import AuditEntry, Setting


def _history(db, n: int = 10) -> None:
    for i in range(n):
        with db.session() as s:
            audit.record(s, "admin", "update", "enterprise", f"e-{i}", {"new": {"note": f"第{i}次"}})


def _verify(db, backups=None):
    with db.read_session() as s:
        return audit.verify_chain(s, backups)


def _cut(db, n: int | None) -> None:
    with db.session() as s:
        ids = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc())).all()
        s.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids if n is None else ids[:n])))


def _recompute_from(db, first_id: int, change: dict) -> None:
    """Rewrite entry `first_id` and recompute every hash from there on, as someone who read
    the source would."""
    with db.session() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        prev = ""
        for e in entries:
            if e.id == first_id:
                e.details = json.dumps(change, ensure_ascii=False, sort_keys=True)
            if e.id >= first_id:
                e.prev_hash = prev
                e.hash = _digest(prev, e.at, e.username, e.action, e.entity, e.entity_id, e.details)
            prev = e.hash


def _entries(db) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_every_append_moves_the_head_and_an_intact_chain_reaches_it(county_db):
    db, _admin = county_db
    _history(db, 5)
    report = _verify(db)
    assert report.ok and report.anchored
    with db.read_session() as s:
        head = read_head(s)
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert head.count == _entries(db) == report.checked and head.hash == last.hash


def test_cutting_the_last_entry_is_found(county_db):
    db, _admin = county_db
    _history(db)
    total = _entries(db)
    _cut(db, 1)
    report = _verify(db)
    assert not report.ok
    assert report.message == f"操作日志末尾缺少1条记录（链条终点记载应有{total}条，现有{total - 1}条）"


def test_cutting_the_last_three_entries_is_found_and_later_appends_do_not_hide_it(county_db):
    db, _admin = county_db
    _history(db)
    _cut(db, 3)
    assert "末尾缺少3条记录" in _verify(db).message
    _history(db, 4)  # the program goes on writing past the old end; the head stays where the damage is
    report = _verify(db)
    assert not report.ok and "与链条终点记载不符" in report.message


def test_deleting_every_entry_is_found(county_db):
    db, _admin = county_db
    _history(db)
    total = _entries(db)
    _cut(db, None)
    report = _verify(db)
    assert not report.ok and report.message == f"操作日志的全部记录已被删除（链条终点记载应有{total}条）"


def test_a_rewritten_tail_with_every_hash_recomputed_is_found(county_db):
    db, _admin = county_db
    _history(db)
    with db.read_session() as s:
        ids = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    _recompute_from(db, ids[-3], {"new": {"note": "改过的"}})
    report = _verify(db)
    assert not report.ok
    assert report.broken_id == ids[-1]
    assert report.message == f"操作日志第{ids[-1]}条与链条终点记载不符：此前的记录被改写后重新计算了校验值"


def test_a_missing_head_is_reported(county_db):
    db, _admin = county_db
    _history(db, 2)
    with db.session() as s:
        s.execute(delete(Setting).where(Setting.key == HEAD_KEY))
    report = _verify(db)
    assert not report.ok and "链条终点记录缺失" in report.message


def test_a_backup_keeps_the_head_and_finds_a_cut_that_also_fixed_the_setting(tmp_path):
    from tests.conftest import make_office

    home = Home(tmp_path / "home").ensure()
    db = databases.new_database(home.root, home.db_path.name)
    try:
        make_office(db)
        _history(db, 6)
        info = backup_now(home, db, "manual")
        with db.read_session() as s:
            head = read_head(s)
        data = json.loads(sidecar_of(info.path).read_text(encoding="utf-8"))
        assert (data["count"], data["hash"], data["backup"]) == (head.count, head.hash, info.name)
        assert _verify(db, home.backups_dir).ok

        _cut(db, 3)
        with db.session() as s:  # and sets the head to the new end, as someone who read the source would
            last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            s.get(Setting, HEAD_KEY).value = json.dumps({"count": head.count - 3, "hash": last.hash})
        report = _verify(db)  # the head's HMAC under the office data key still names the old end
        assert not report.ok
        assert report.message == f"操作日志末尾缺少3条记录（密钥校验点记载应有{head.count}条，现有{head.count - 3}条）"
        with db.session() as s:  # a checkpoint made up without the data key
            s.get(Setting, HEAD_MAC_KEY).value = json.dumps({"count": head.count - 3, "hash": last.hash, "mac": "0" * 64})
        assert "密钥校验点被改动" in _verify(db).message
        with db.session() as s:
            s.delete(s.get(Setting, HEAD_MAC_KEY))
        assert "密钥校验点缺失" in _verify(db).message
        with db.session() as s:  # only the key can vouch for the new end: then the backups' heads still find the cut
            s.add(Setting(key=HEAD_MAC_KEY, value=head_mac_text(key_slots.unlocked(s), head.count - 3, last.hash)))
        assert _verify(db).ok  # the table, the setting and the checkpoint agree with each other
        report = _verify(db, home.backups_dir)
        assert not report.ok
        assert report.message == f"操作日志末尾缺少3条记录（备份 {info.name}记载应有{head.count}条，现有{head.count - 3}条）"
        report = verify_any(db, home.backups_dir)
        assert not report.ok and "末尾缺少3条记录" in report.message
    finally:
        db.dispose()


def test_rotation_removes_a_backups_head_with_it(tmp_path):
    from datetime import datetime, timedelta

    from tests.conftest import make_office

    home = Home(tmp_path / "home").ensure()
    db = databases.new_database(home.root, home.db_path.name)
    try:
        make_office(db)
        made = [backup_now(home, db, "manual", now=datetime.now() - timedelta(days=31 * k), rotate_after=False)
                for k in range(14)]  # one in each of 14 months: the monthly rule keeps 12
        assert all(sidecar_of(b.path).exists() for b in made)
        removed = rotate(home)
        assert removed and all(not p.exists() and not sidecar_of(p).exists() for p in removed)
        assert len(backup_heads(home.backups_dir)) == len(made) - len(removed)
    finally:
        db.dispose()


def test_an_entry_count_that_fell_behind_cannot_be_moved_past_by_a_rewritten_row(county_db):
    """Editing a middle row (not recomputing) is still named by the chain itself."""
    db, _admin = county_db
    _history(db, 4)
    with db.session() as s:
        second = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id).offset(1)).first()
        s.execute(update(AuditEntry).where(AuditEntry.id == second).values(username="someone"))
    report = _verify(db)
    assert not report.ok and report.broken_id == second and "被改动" in report.message


def test_thirty_two_logins_and_backups_at_once_leave_a_chain_that_verifies(tmp_path):
    import threading

    from tests.conftest import PASSWORD, make_office
    from zkdesk.services.auth import login_and_commit
    from zkdesk.services.backups import make_backup

    home = Home(tmp_path / "home").ensure()
    db = databases.new_database(home.root, home.db_path.name)
    try:
        admin = make_office(db)
        start, errors = threading.Barrier(32), []

        def work(i: int) -> None:
            start.wait()
            try:
                if i % 2:
                    login_and_commit(db, "admin", PASSWORD)
                else:
                    with db.session(wait_ms=60_000) as s:
                        make_backup(s, admin, home, db)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        report = _verify(db, home.backups_dir)
        assert report.ok and report.anchored, report.message
        with db.read_session() as s:
            actions = s.scalars(select(AuditEntry.action)).all()
        assert actions.count("login") == 16 and actions.count("backup") == 16
        assert len(backup_heads(home.backups_dir)) >= 1
    finally:
        db.dispose()
