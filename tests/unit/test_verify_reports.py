"""What `zkdesk verify` says beyond pass/fail: the checks it could not do without a login, the
backups that still hold private keys or personal numbers in the clear, and the older audit
entries that hold personal numbers unmasked (which the audit screen and its export mask)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_office
from zkdesk.config import Home
from zkdesk.services import audit, key_slots
from zkdesk.services.audit_log import AuditFilter, search_audit
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_now
from zkdesk.services.demo import fill_demo
from zkdesk.services.integrity import verify_file
from zkdesk.store.migrate import open_database

FIXTURE_0_2 = Path(__file__).resolve().parents[1] / "fixtures" / "zkdesk-0.2.0-county-demo.sqlite3"
ID_NUMBER = "530924198005010011"


@pytest.fixture
def office(tmp_path):
    home = Home(tmp_path / "home").ensure()
    db = open_database(home.db_path, home.backups_dir)
    admin = make_office(db)
    with db.session() as s:
        fill_demo(s)
    yield home, db, admin
    db.dispose()
    key_slots.forget_unlocked()


def test_without_a_login_verify_names_the_checks_it_could_not_do(office):
    home, db, _admin = office
    key_slots.forget_unlocked()  # `zkdesk verify` run on its own: nobody logged in
    report = verify_file(Path(db.path), home.backups_dir)
    assert report.ok  # nothing wrong found: still exit 0
    assert report.skipped == ("操作日志密钥校验点的校验值（能否确认链条未被整体重算）", "本单位交换私钥能否用数据密钥打开",
                              "已加密的身份证号、电话能否用数据密钥解开")
    assert "未做的检查（需要登录解锁本单位数据密钥）" in report.message
    assert "zkdesk verify --user 用户名 --password-stdin" in report.message
    assert report.as_dict()["skipped_checks"] == list(report.skipped)

    login_and_commit(db, "admin", PASSWORD)  # verify --user: the key is unlocked, every check done
    report = verify_file(Path(db.path), home.backups_dir)
    assert report.ok and report.skipped == () and "未做的检查" not in report.message


def test_with_the_key_a_sealed_number_changed_behind_the_program_s_back_is_found(office):
    home, db, _admin = office
    with db.session() as s:  # one sealed number replaced by another's ciphertext body
        conn = s.connection()
        rows = conn.exec_driver_sql("SELECT id, id_number FROM nomination WHERE id_number LIKE 'zk1:%' LIMIT 2").all()
        (first, a), (_second, b) = rows
        forged = a.rpartition(":")[0] + ":" + b.rpartition(":")[2][:-8] + "AAAAAAA="
        conn.exec_driver_sql("UPDATE nomination SET id_number = ? WHERE id = ?", (forged, first))
    report = verify_file(Path(db.path), home.backups_dir)
    assert not report.ok
    assert report.message == "密钥：有1个已加密的身份证号或电话无法用本单位数据密钥解开（已被改动）"
    key_slots.forget_unlocked()
    assert verify_file(Path(db.path), home.backups_dir).ok  # without the key it cannot tell: it says it did not check


def test_backups_holding_secrets_in_the_clear_are_named_with_what_to_do(office):
    home, db, _admin = office
    backup_now(home, db, "manual")  # made now: sealed, not named
    old = home.backups_dir / "zkdesk-20240301-080000-migration-0009_key_slots.sqlite3"
    shutil.copyfile(FIXTURE_0_2, old)  # a backup an upgrade made of a 0.2.0 database
    os.chmod(old, 0o600)
    report = verify_file(Path(db.path), home.backups_dir)
    assert report.ok
    assert report.exposed_backups == (f"{old.name}（交换私钥、436个身份证号或电话）",)
    assert "不再需要的请删除" in report.message and "安全的地方" in report.message
    assert report.as_dict()["exposed_backups"] == list(report.exposed_backups)
    before = old.read_bytes()
    verify_file(Path(db.path), home.backups_dir)
    assert old.read_bytes() == before  # read, never changed


def test_old_audit_entries_with_plain_numbers_are_counted_and_shown_masked(office, monkeypatch):
    home, db, admin = office
    with monkeypatch.context() as m:  # how a zkdesk from before the sealing wrote its entries
        m.setattr(audit, "_masked", lambda value, kind=None: value)
        with db.session() as s:
            audit.record(s, "admin", "update", "nomination", "n-old",
                         {"old": {"id_number": ID_NUMBER, "phone": "13812345678"}, "new": {"id_number": "530924198005010038"}})
    with db.session() as s:  # a new one is masked as written
        audit.record(s, "admin", "update", "nomination", "n-new", {"new": {"id_number": ID_NUMBER}})
    report = verify_file(Path(db.path), home.backups_dir)
    assert report.ok and report.plain_audit_entries == 1  # the chain is whole: nothing was rewritten
    assert "操作日志中有1条较早的记录含未遮盖的身份证号或电话" in report.message
    with db.read_session() as s:
        rows = search_audit(s, admin, AuditFilter(entity="nomination"))  # an administrator sees personal data
    shown = {r.entity_id: r for r in rows}
    assert ID_NUMBER not in shown["n-old"].details and "13812345678" not in shown["n-old"].details
    assert "530924********0011" in shown["n-old"].summary and "138****5678" in shown["n-old"].summary
    assert shown["n-new"].summary == shown["n-new"].summary.replace(ID_NUMBER, "")
