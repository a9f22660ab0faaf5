"""Shared fixtures. Tests never touch the user's real data directory or the network."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests import databases
from zkdesk.config import Home
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.office import initialise

COUNTY = "530924"
NANSAN = "530924103"
PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Point ZKDESK_HOME at a temporary folder so nothing reaches the real user data dir."""
    monkeypatch.setenv("ZKDESK_HOME", str(tmp_path / "zkdesk-home"))


@pytest.fixture(autouse=True)
def _umask_as_it_was():
    """A test that runs cli.main or the app's start in this process leaves the owner-only umask
    (store/private_files.py) behind; the next test's child processes must not inherit it."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` need a server: they run in the PostgreSQL pass
    (tools/test_on_postgresql.sh, CI's second pass), and say so when there is none."""
    if databases.server is None:
        skip = pytest.mark.skip(reason="需要 PostgreSQL 服务器：运行 tools/test_on_postgresql.sh")
        for item in items:
            if "postgresql" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _test_server():
    yield
    if databases.server is not None:
        databases.server.close()


@pytest.fixture(autouse=True)
def _drop_server_databases():
    """On the PostgreSQL pass, the databases a test made are dropped after it (those of module-
    scoped fixtures, made before this fixture starts, at the end of the run)."""
    keep = len(databases.server.made) if databases.server is not None else 0
    yield
    if databases.server is not None:
        databases.server.drop_made(keep)


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def fresh_db(home):
    """The office database of a test: an SQLite file in `home`, or a fresh PostgreSQL database."""
    db = databases.new_database(home.root, home.db_path.name)
    yield db
    db.dispose()


def make_office(db, code: str = COUNTY, username: str = "admin") -> Actor:
    with db.session() as s:
        user = initialise(s, code, username, PASSWORD, "管理员")
        return Actor(username=user.username, display_name=user.display_name, role=Role.ADMIN, office_code=code, user_id=user.id)


@pytest.fixture
def county_db(fresh_db):
    """An initialised county database; yields (db, admin actor)."""
    actor = make_office(fresh_db, COUNTY)
    return fresh_db, actor


def plan_and_indicator_ids(db, code: str = "zk-2021-2025") -> tuple[str, dict[str, str]]:
    """The seeded plan's id and its indicators' ids by 编号."""
    from sqlalchemy import select

    from zkdesk.services.progress import plan_by_code
    from zkdesk.store.models import Indicator

    with db.session() as s:
        plan = plan_by_code(s, code)
        return plan.id, {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}


@pytest.fixture
def county_plan(county_db):
    """The county database with its 十四五 plan: (db, admin, plan id, indicator ids by 编号)."""
    db, admin = county_db
    return (db, admin, *plan_and_indicator_ids(db))


@pytest.fixture
def township_db(fresh_db):
    actor = make_office(fresh_db, NANSAN)
    return fresh_db, actor
