"""Build the offline installers.

    python build_installer.py            # Linux: dist/zkdesk/ (folder build) + dist/zkdesk_<ver>_<arch>.deb
                                         # Windows: dist\\zkdesk\\ + dist\\zkdesk-setup.iss (+ the setup .exe
                                         #          when Inno Setup's ISCC.exe is installed)

The folder build comes from zkdesk.spec (PyInstaller). The fresh bundle must pass
`zkdesk --self-test`, or the build fails. User data never lives in the install folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
BUNDLE = DIST / "zkdesk"
BUDGET_MB = 160
DEB_DEPENDS = [  # what Qt's xcb platform plugin, printing (CUPS) and fontconfig need on Debian/UOS/Kylin;
    # zkdesk.spec leaves these system libraries out of the bundle (SYSTEM_LIBS)
    "libc6", "libstdc++6", "libfontconfig1", "libfreetype6", "libglib2.0-0", "libegl1", "libgl1", "libdbus-1-3",
    "libcups2", "libgnutls30", "libkrb5-3", "libgssapi-krb5-2", "libcairo2", "libpango-1.0-0", "libharfbuzz0b",
    "libsystemd0", "libgcrypt20", "libjpeg62-turbo | libjpeg62", "libpng16-16", "libzstd1", "libx11-6",
    "libxkbcommon0", "libxkbcommon-x11-0", "libx11-xcb1", "libxcb1", "libxcb-cursor0", "libxcb-icccm4",
    "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-randr0",
    "libxcb-xinerama0", "libxcb-xkb1", "libxrender1",
]
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=zkdesk
Name[zh_CN]=产业工人队伍建设改革台账
GenericName[zh_CN]=镇康县总工会台账
Comment[zh_CN]=指标台账、劳模推荐、三室一站、集体合同、报表打印与数据交换
Exec=/opt/zkdesk/zkdesk
Icon=zkdesk
Terminal=false
Categories=Office;
StartupWMClass=zkdesk
"""


def version() -> str:
    namespace: dict = {}
    exec((ROOT / "zkdesk" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def folder_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1024 / 1024


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def build_bundle() -> None:
    shutil.rmtree(BUNDLE, ignore_errors=True)
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"), str(ROOT / "zkdesk.spec")])


def self_test() -> None:
    exe = BUNDLE / ("zkdesk-cli.exe" if os.name == "nt" else "zkdesk")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, encoding="utf-8", env=env)
    print(result.stdout.strip())
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"self-test of the bundle failed (exit {result.returncode})")


def build_deb(ver: str) -> Path:
    arch = {"x86_64": "amd64", "aarch64": "arm64", "loongarch64": "loong64", "mips64": "mips64el"}.get(
        platform.machine(), platform.machine())
    root = ROOT / "build" / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(BUNDLE, root / "opt" / "zkdesk", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink("/opt/zkdesk/zkdesk", root / "usr" / "bin" / "zkdesk")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "zkdesk.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "zkdesk.png", icons / "zkdesk.png")
    size_kb = int(folder_size_mb(root) * 1024)
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: zkdesk\nVersion: {ver}\nArchitecture: {arch}\nMaintainer: 镇康县总工会 <zkdesk@localhost>\n"
        f"Installed-Size: {size_kb}\nDepends: {', '.join(DEB_DEPENDS)}\nSection: misc\nPriority: optional\n"
        "Description: 镇康县产业工人队伍建设改革台账\n"
        " Indicator records, model-worker nominations, studios, collective contracts,\n"
        " official printed forms and USB data exchange for the union offices of Zhenkang County.\n"
        " User data stays in each user's home directory and is never touched by upgrades or removal.\n",
        encoding="utf-8",
    )
    refresh_menu = ("if command -v update-desktop-database >/dev/null; then "
                    "update-desktop-database -q /usr/share/applications || true; fi\n")
    refresh_icons = ("if command -v gtk-update-icon-cache >/dev/null; then "
                     "gtk-update-icon-cache -q /usr/share/icons/hicolor || true; fi\n")
    for script, body in (("postinst", refresh_menu + refresh_icons), ("postrm", refresh_menu)):
        path = control / script
        path.write_text("#!/bin/sh\nset -e\n" + body + "exit 0\n", encoding="utf-8")
        path.chmod(0o755)
    out = DIST / f"zkdesk_{ver}_{arch}.deb"
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(out)], stdout=subprocess.DEVNULL)
    return out


def build_inno(ver: str) -> Path:
    """Write the Inno Setup script; compile it when ISCC.exe is installed."""
    iss = DIST / "zkdesk-setup.iss"
    iss.write_text(
        f"""; Inno Setup script written by build_installer.py
[Setup]
AppId={{{{7B0C2E55-8F0E-4C8B-9C52-5A0D3C92D4A1}}
AppName=产业工人队伍建设改革台账 (zkdesk)
AppVersion={ver}
AppPublisher=镇康县总工会
DefaultDirName={{autopf}}\\zkdesk
DefaultGroupName=zkdesk
OutputDir=.
OutputBaseFilename=zkdesk-{ver}-setup
Compression=lzma2
SolidCompression=yes
PrivilegesRequiredOverridesAllowed=dialog
SetupIconFile=zkdesk\\resources\\icons\\zkdesk.ico
UninstallDisplayIcon={{app}}\\zkdesk.exe

[Languages]
Name: "chs"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; Flags: checkedonce

[Files]
Source: "zkdesk\\*"; DestDir: "{{app}}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{{group}}\\产业工人队伍建设改革台账"; Filename: "{{app}}\\zkdesk.exe"
Name: "{{autodesktop}}\\产业工人队伍建设改革台账"; Filename: "{{app}}\\zkdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{{app}}\\zkdesk.exe"; Description: "启动 zkdesk"; Flags: nowait postinstall skipifsilent
""",
        encoding="utf-8-sig",
    )
    iscc = shutil.which("ISCC") or next(
        (p for p in (Path(os.environ.get("ProgramFiles(x86)", "")) / "Inno Setup 6" / "ISCC.exe",
                     Path(os.environ.get("ProgramFiles", "")) / "Inno Setup 6" / "ISCC.exe") if p.exists()), None)
    if iscc:
        run([str(iscc), str(iss)])
    else:
        print("Inno Setup (ISCC.exe) not found: wrote the script only:", iss)
    return iss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-package", action="store_true", help="folder build and self-test only")
    args = parser.parse_args()
    os.umask(0o022)  # what is packaged is installed for everyone: folders 0755, files 0644
    ver = version()
    build_bundle()
    self_test()
    size = folder_size_mb(BUNDLE)
    if not args.no_package:
        if sys.platform.startswith("linux"):
            print("built", build_deb(ver))
        elif os.name == "nt":
            print("built", build_inno(ver))
    print(f"bundle size: {size:.1f} MB unpacked (budget {BUDGET_MB} MB)")
    if size > BUDGET_MB:
        raise SystemExit(f"bundle is over the {BUDGET_MB} MB budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
