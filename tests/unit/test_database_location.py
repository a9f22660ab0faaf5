"""Where the office database is: --database over ZKDESK_DATABASE over the server remembered in
the data directory over the SQLite file; a server is remembered without its password; a
database zkdesk cannot use, or a server without the driver installed, gets one Chinese line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import run_cli
from zkdesk.config import Home, database_target, forget_server, remember_server, remembered_server

ROOT = Path(__file__).resolve().parents[2]


def test_the_setting_comes_from_the_command_line_the_environment_the_data_directory_or_the_file(home, monkeypatch):
    monkeypatch.delenv("ZKDESK_DATABASE", raising=False)
    assert database_target(home) == home.db_path
    remember_server(home, "postgresql://clerk:s3cret@10.1.2.3:5433/county")
    assert database_target(home) == "postgresql://clerk@10.1.2.3:5433/county"
    assert "s3cret" not in home.server_file.read_text(encoding="utf-8")
    monkeypatch.setenv("ZKDESK_DATABASE", "postgresql://env@host/envdb")
    assert database_target(home) == "postgresql://env@host/envdb"
    assert database_target(home, "postgresql://cli@host/clidb") == "postgresql://cli@host/clidb"
    monkeypatch.delenv("ZKDESK_DATABASE")
    forget_server(home)
    assert remembered_server(home) is None and database_target(home) == home.db_path


def test_a_database_of_another_kind_is_refused_in_chinese(tmp_path):
    r = run_cli(tmp_path / "h", "--database", "mysql://user@host/db", "progress")
    assert r.code == 2 and r.err.startswith("错误：不支持的数据库类型 mysql")


def test_without_the_driver_a_server_database_says_what_to_install(tmp_path):
    """The offline installer carries no PostgreSQL driver: the program runs on SQLite without it,
    and --database postgresql://… says what to install (psycopg hidden here as if never installed)."""
    hide = ("import sys, runpy; sys.modules['psycopg'] = None; sys.argv = ['zkdesk'] + sys.argv[1:]; "
            "runpy.run_module('zkdesk', run_name='__main__')")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.pop("ZKDESK_DATABASE", None)

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-c", hide, "--home", str(tmp_path / "h"), *args], capture_output=True,
                              text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120, input=stdin)

    on_file = run("init", "--org", "530924103", "--admin", "admin", "--password-stdin", stdin="a-good-password\n")
    assert on_file.returncode == 0, on_file.stderr
    on_server = run("--database", "postgresql://clerk@127.0.0.1:1/county", "progress")
    assert on_server.returncode == 2
    assert "psycopg" in on_server.stderr and 'pip install "zkdesk[postgresql]"' in on_server.stderr
    assert Home(tmp_path / "h").server_file.exists() is False
