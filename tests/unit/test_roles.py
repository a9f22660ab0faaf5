"""Each role tried on each kind of action through the services: what it may do works, the rest
is refused by the service itself (not by a hidden button)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import databases
from tests.conftest import COUNTY
from tests.databases import new_database
from zkdesk.config import Home
from zkdesk.domain.roles import Permission, Role
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.services import accounts
from zkdesk.services.actor import Actor
from zkdesk.services.audit_log import AuditFilter, filter_choices, search_audit
from zkdesk.services.auth import login_and_commit
from zkdesk.services.backups import backup_now, list_backups, make_backup
from zkdesk.services.errors import PermissionDenied
from zkdesk.services.integrity import verify_database
from zkdesk.services.office import initialise
from zkdesk.services.privacy import mask_for
from zkdesk.services.restore import restore_backup
from zkdesk.services.users import list_users
from zkdesk.store.engine import Database

ALL = {Role.ADMIN, Role.CLERK, Role.REVIEWER, Role.VIEWER}
BACKUP_ROLES = {Role.ADMIN, Role.CLERK, Role.REVIEWER}
AUDIT_ROLES = {Role.ADMIN, Role.REVIEWER}

# The generic permissions, written out independently of domain/roles.py.
#                 VIEW EDIT REVIEW USERS PLANS EXCH BACKUP PERSONAL AUDIT
MATRIX = {
    Role.ADMIN:    (1,   1,   1,     1,    1,    1,   1,     1,       1),
    Role.CLERK:    (1,   1,   0,     0,    0,    1,   1,     1,       0),
    Role.REVIEWER: (1,   0,   1,     0,    0,    1,   1,     1,       1),
    Role.VIEWER:   (1,   0,   0,     0,    0,    0,   0,     0,       0),
}  # fmt: skip
PERMISSION_ORDER = [
    Permission.VIEW, Permission.EDIT, Permission.REVIEW, Permission.MANAGE_USERS, Permission.MANAGE_PLANS,
    Permission.EXCHANGE, Permission.BACKUP, Permission.VIEW_PERSONAL, Permission.VIEW_AUDIT,
]


@dataclass
class Office:
    home: Home
    db: Database
    actors: dict[Role, Actor]
    target_id: int
    backup: Path
    out: Path


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Office:
    root = tmp_path_factory.mktemp("roles")
    home = Home(root / "home").ensure()
    db = new_database(home.root)
    with db.session() as s:
        admin_user = initialise(s, COUNTY, "admin", _password(Role.ADMIN), "管理员")
    admin = login_and_commit(db, admin_user.username, _password(Role.ADMIN))
    actors = {Role.ADMIN: admin}
    with db.session() as s:
        for role in (Role.CLERK, Role.REVIEWER, Role.VIEWER):
            accounts.create_user(s, admin, f"u_{role.value}", role.label, role, _password(role))
        target = accounts.create_user(s, admin, "target", "被管理的用户", Role.CLERK, "target-pass-123")
        target_id = target.id
    for role in (Role.CLERK, Role.REVIEWER, Role.VIEWER):
        actors[role] = login_and_commit(db, f"u_{role.value}", _password(role))
    backup = backup_now(home, db, "manual").path
    out = root / "out"
    out.mkdir()
    yield Office(home, db, actors, target_id, backup, out)
    db.dispose()


def _password(role: Role) -> str:
    return f"{role.value}-pass-123"


def _restore(o: Office, actor: Actor) -> None:
    o.db.dispose()  # the caller closes its engines first; this one reconnects afterwards
    restore_backup(o.home, o.db.path, o.backup, actor)


def _in_session(fn):
    def run(o: Office, actor: Actor):
        with o.db.session() as s:
            return fn(o, actor, s)

    return run


ACTIONS = {
    # user management
    "list_users": (ALL, _in_session(lambda o, a, s: list_users(s, a))),
    "create_user": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.create_user(s, a, f"new_{a.username}", "新用户", Role.VIEWER, "new-user-pass-1"))),
    "update_user": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.update_user(s, a, o.target_id, display_name=f"改名{a.username}"))),
    "reset_password": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.reset_password(s, a, o.target_id, "reset-pass-123"))),
    "disable_user": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.set_active(s, a, o.target_id, False))),
    "enable_user": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.set_active(s, a, o.target_id, True))),
    "set_idle_lock": ({Role.ADMIN}, _in_session(lambda o, a, s: accounts.set_idle_lock_seconds(s, a, 600))),
    "change_own_password": (ALL, _in_session(lambda o, a, s: accounts.change_own_password(s, a, _password(a.role), f"{a.username}-new-pass-9"))),
    # backups
    "list_backups": (BACKUP_ROLES, _in_session(lambda o, a, s: list_backups(o.home, a))),
    "make_backup": (BACKUP_ROLES, _in_session(lambda o, a, s: make_backup(s, a, o.home, o.db, o.out))),
    # audit browsing
    "search_audit": (AUDIT_ROLES, _in_session(lambda o, a, s: search_audit(s, a, AuditFilter(username="admin")))),
    "audit_filter_choices": (AUDIT_ROLES, _in_session(lambda o, a, s: filter_choices(s, a))),
    "export_audit": (AUDIT_ROLES, _in_session(lambda o, a, s: export_audit_xlsx(s, a, AuditFilter(), o.out / f"log-{a.username}.xlsx"))),
    "verify": (AUDIT_ROLES, lambda o, a: verify_database(a, o.db)),
}
if not databases.ON_SERVER:  # a server is restored into a new, empty database: no account to check there
    ACTIONS["restore_backup"] = (BACKUP_ROLES, _restore)


@pytest.mark.parametrize("role", sorted(ALL), ids=lambda r: r.value)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_on_each_service_action(office, role, action):
    allowed, run = ACTIONS[action]
    actor = office.actors[role]
    if role in allowed:
        run(office, actor)
    else:
        with pytest.raises(PermissionDenied) as refused:
            run(office, actor)
        assert role.label in str(refused.value) and "没有" in str(refused.value)


@pytest.mark.parametrize("role", sorted(ALL), ids=lambda r: r.value)
@pytest.mark.parametrize("permission", PERMISSION_ORDER, ids=lambda p: p.value)
def test_generic_permissions_per_role(office, role, permission):
    expected = bool(MATRIX[role][PERMISSION_ORDER.index(permission)])
    actor = office.actors[role]
    assert actor.can(permission) is expected
    if expected:
        actor.require(permission)
    else:
        with pytest.raises(PermissionDenied):
            actor.require(permission)


@pytest.mark.parametrize("role", sorted(ALL), ids=lambda r: r.value)
def test_personal_data_is_masked_only_for_roles_that_do_not_need_it(office, role):
    shown = mask_for(office.actors[role], id_number="530924199001011234", phone="13812345678")
    if role == Role.VIEWER:
        assert shown == ("530924********1234", "138****5678")
    else:
        assert shown == ("530924199001011234", "13812345678")


def test_the_scope_rule_is_one_rule_with_one_message():
    from zkdesk.domain.orgcodes import in_scope, is_county
    from zkdesk.services.actor import Actor
    from zkdesk.services.errors import PermissionDenied

    county = Actor("c", "县", Role.CLERK, "530924")
    nansan = Actor("n", "南伞", Role.CLERK, "530924103")
    assert is_county("530924") and not is_county("530924103") and not is_county("")
    assert county.at_county and not nansan.at_county
    assert county.sees("530924103") and county.sees("530924") and not county.sees("530925101")
    assert nansan.sees("530924103") and not nansan.sees("530924101") and not nansan.sees("530924")
    assert not in_scope("530924103", "") and not in_scope("530924", None)
    with pytest.raises(PermissionDenied, match="不能查看或管理“凤尾镇”的数据"):
        nansan.require_scope("530924101", "凤尾镇")
    county.require_scope("530924101")  # no error
