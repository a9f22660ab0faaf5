"""`zkdesk --help` and every subcommand's help read Chinese: argparse's own words included."""

from __future__ import annotations

import argparse
import re

from zkdesk.cli import build_parser
from zkdesk.imports.kinds import kind_names

# What may stay Latin: option names (-x, --name), metavars (CAPITALS), commands, file kinds and names.
ALLOWED = {"zkdesk", "json", "JSON", "xlsx", "xls", "xlsb", "ods", "pdf", "sqlite3", "zkx", "ZKDESK_HOME", "Excel",
           "USB", "backups", "forms", "values", "pg_dump", "pg_restore", "PostgreSQL", "SQLite", "docx", "Word", "PDF",
           "postgresql", "sqlite",  # URL schemes typed as they are: postgresql://用户@服务器/数据库, sqlite:文件
           "local", "theirs",  # package resolve --take: values typed as they are
           *(w for k in kind_names() for w in k.split("-"))}


def _parsers(parser: argparse.ArgumentParser, path=("zkdesk",)):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _english(text: str, parser: argparse.ArgumentParser) -> set[str]:
    commands = {name for a in parser._actions if isinstance(a, argparse._SubParsersAction) for name in a.choices}
    words = set()
    for token in re.findall(r"[-\w.]+", text):
        if token.startswith("-") or token.isupper() or token in commands or token in ALLOWED:
            continue
        if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", token):  # a form's or a plan's key given as an example
            continue
        words.update(w for w in re.findall(r"[A-Za-z]{2,}", token) if w not in ALLOWED and not w.isupper())
    return words


def test_every_help_text_is_chinese():
    leftovers = {}
    for path, parser in _parsers(build_parser()):
        text = parser.format_help()
        assert text.startswith("用法：zkdesk"), (path, text[:40])
        english = _english(text.replace(parser.prog, ""), parser)
        if english:
            leftovers[" ".join(path)] = english
    assert leftovers == {}
