"""Shared fixtures. Tests never touch the user's real data directory or the network."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from zkdesk.config import Home
from zkdesk.domain.roles import Role
from zkdesk.services.actor import Actor
from zkdesk.services.office import initialise
from zkdesk.store.migrate import open_database

COUNTY = "530924"
NANSAN = "530924103"
PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Point ZKDESK_HOME at a temporary folder so nothing reaches the real user data dir."""
    monkeypatch.setenv("ZKDESK_HOME", str(tmp_path / "zkdesk-home"))


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def fresh_db(home):
    db = open_database(home.db_path, home.backups_dir)
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


@pytest.fixture
def township_db(fresh_db):
    actor = make_office(fresh_db, NANSAN)
    return fresh_db, actor
