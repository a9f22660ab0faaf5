"""What several PCs on one office database share and learn from each other: accounts, roles
and lockout count across PCs, and a cheap change stamp tells a window that another PC (or
window, or command) wrote something — but not about its own writes. Two Database objects on
the same target stand for two PCs; on the PostgreSQL pass they are two clients of a server."""

from __future__ import annotations

import pytest

from zkdesk.domain.roles import Role
from zkdesk.services import accounts
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.store.engine import Database
from zkdesk.store.models import Setting


@pytest.fixture
def two_pcs(county_db):
    db, admin = county_db
    other = Database(db.url, db.password)
    yield db, other, admin
    other.dispose()


def test_an_account_made_on_one_pc_logs_in_on_the_other_and_lockout_counts_across_both(two_pcs):
    here, there, admin = two_pcs
    with here.session() as s:
        accounts.create_user(s, admin, "wang", "王五", Role.CLERK, "wang-pass-123")
    assert login_and_commit(there, "wang", "wang-pass-123").role == Role.CLERK
    for attempt, db in enumerate([here, there, here, there]):
        with pytest.raises(LoginFailed):
            login_and_commit(db, "wang", f"wrong-{attempt}")
    with pytest.raises(LoginFailed, match="锁定"):
        login_and_commit(there, "wang", "wrong-5")
    with pytest.raises(LoginFailed, match="锁定"):
        login_and_commit(here, "wang", "wang-pass-123")  # locked on every PC, right password or not


def test_the_change_stamp_moves_for_other_pcs_writes_only(two_pcs):
    here, there, _admin = two_pcs
    start = here.change_stamp()
    with here.session() as s:
        s.add(Setting(key="own", value="1"))
    assert here.change_stamp() == start  # its own write: the window that made it announces it
    with there.session() as s:
        s.get(Setting, "office_code")  # a write session that writes nothing
    assert here.change_stamp() == start
    with there.session() as s:
        s.add(Setting(key="theirs", value="1"))
    moved = here.change_stamp()
    assert moved > start
    assert here.change_stamp() == moved  # until the next change
    with there.session() as s:
        s.get(Setting, "theirs").value = "2"
    with here.session() as s:
        s.add(Setting(key="own2", value="1"))  # an own write after theirs does not hide theirs
    assert here.change_stamp() > moved
