"""Run the real `zkdesk` command in a subprocess, as the county's scripts do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(home, *args: str, stdin: str = "") -> Result:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "zkdesk", "--home", str(home), *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=300, encoding="utf-8",
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
