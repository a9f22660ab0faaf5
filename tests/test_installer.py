"""build_installer.py builds a bundle that passes its own self-test, and a .deb with the
program, its desktop entry and its icon. Slow (a real PyInstaller build); CI runs it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_build_installer_makes_a_working_bundle_and_deb():
    proc = subprocess.run([sys.executable, "build_installer.py"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "自检通过" in proc.stdout
    size_line = [line for line in proc.stdout.splitlines() if line.startswith("bundle size:")]
    assert size_line and float(size_line[0].split()[2]) < 160

    bundle = ROOT / "dist" / "zkdesk"
    assert (bundle / "zkdesk").exists()
    internal = bundle / "_internal"
    assert (internal / "zkdesk" / "store" / "migrations" / "versions" / "0001_initial_schema.py").exists()
    assert (internal / "resources" / "plans" / "zk-2021-2025.toml").exists()
    assert (internal / "resources" / "fonts" / "LICENSE-arphic.txt").exists()
    assert not list(internal.rglob("libQt6Quick*")), "unused Qt modules must be left out"
    assert not list(internal.rglob("psycopg*")), "the PostgreSQL driver is an optional extra, never in the bundle"
    assert not list(internal.rglob("lxml*")), "the Word report (python-docx, lxml) is an optional extra"

    if shutil.which("dpkg-deb"):
        debs = list((ROOT / "dist").glob("zkdesk_*.deb"))
        assert len(debs) == 1
        listing = subprocess.run(["dpkg-deb", "-c", str(debs[0])], capture_output=True, text=True, check=True).stdout
        assert "./usr/share/applications/zkdesk.desktop" in listing
        assert "./opt/zkdesk/zkdesk" in listing
        assert "./usr/share/icons/hicolor/256x256/apps/zkdesk.png" in listing
        info = subprocess.run(["dpkg-deb", "-I", str(debs[0])], capture_output=True, text=True, check=True).stdout
        assert "libxcb-cursor0" in info
