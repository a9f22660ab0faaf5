"""操作日志 in words: every action and kind of record the program logs has a Chinese label, and the
log (screen rows and Excel export) names records instead of showing ids or column names."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import select

import zkdesk
from tests.enterprise_helpers import add_contract, add_enterprise, add_evaluation
from tests.unit.test_exchange_order import TOWN, _conflict, pair
from zkdesk.domain import nomination_workflow as wf
from zkdesk.domain.roles import Role
from zkdesk.exchange.conflicts import list_conflicts, resolve_conflict
from zkdesk.imports.kinds import all_kinds
from zkdesk.output.audit_xlsx import export_audit_xlsx
from zkdesk.services import accounts, settings
from zkdesk.services.audit_log import ACTION_LABELS, ENTITY_LABELS, AuditFilter, search_audit
from zkdesk.services.auth import LoginFailed, login_and_commit
from zkdesk.services.award_sessions import SessionInput, create_session
from zkdesk.services.enterprises import EnterpriseInput, delete_enterprise, update_enterprise
from zkdesk.services.exchange_keys import forget_peer_key
from zkdesk.services.indicator_values import ValueEntry, save_values
from zkdesk.services.nomination_review import record_objection, take_step
from zkdesk.services.nominations import NominationInput, create_nomination, update_nomination
from zkdesk.services.progress import plan_by_code
from zkdesk.services.record_labels import TABLE_LABELS
from zkdesk.services.studio_results import ResultInput, save_result
from zkdesk.services.studios import MemberInput, StudioInput, add_member, change_status, register_studio
from zkdesk.services.year_locks import lock_year, unlock_year
from zkdesk.store.models import Indicator

PACKAGE = Path(zkdesk.__file__).parent
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# -- every action and kind of record the code can log ------------------------------------------

def _module_constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, ast.Constant)}


def _values(node: ast.expr, constants: dict[str, str], where: str) -> set[str]:
    """The strings an audit.record argument can be, as written in the code."""
    if isinstance(node, ast.Constant):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body, constants, where) | _values(node.orelse, constants, where)
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}
    text = ast.unparse(node)
    known = {  # arguments computed at run time, spelled out: a new one fails here until added
        "purpose": {"login", "unlock"},
        "f'{purpose}_failed'": {"login_failed", "unlock_failed"},
        "f'nomination_{action.value}'": {f"nomination_{a.value}" for a in wf.Action},
        "kind.entity": {k.entity for k in all_kinds()},
        "r['table']": set(TABLE_LABELS),
        "c.table_name": set(TABLE_LABELS),
    }
    assert text in known, f"{where}: audit argument {text} is computed; list what it can be in this test"
    return known[text]


def logged_actions_and_entities() -> tuple[set[str], set[str]]:
    actions, entities = set(), set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit":
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                actions |= _values(node.args[2], constants, where)
                entities |= _values(node.args[3], constants, where)
    return actions, entities


def test_every_action_and_kind_of_record_the_program_logs_has_words():
    actions, entities = logged_actions_and_entities()
    assert len(actions) > 30 and {"trust_key", "exchange_export", "nomination_honour"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert sorted(entities - set(ENTITY_LABELS)) == []


# -- the log as a user reads it ------------------------------------------------------------------

FILE = re.compile(r"\S*\.(zkx|sqlite3|dump|xlsx|pdf)\b")  # file names and paths are the machine's words


def _raw(texts: list[str], raw_names: set[str]) -> list[str]:
    """Texts showing a column or action name, an id, or a raw code."""
    texts = [FILE.sub("", t) for t in texts if t]
    return [t for t in texts if SNAKE.search(t) or UUID.search(t) or set(re.findall(r"[a-z_]+", t)) & raw_names]


def _office_history(county, town, tmp_path) -> None:
    """Much of what a county office does, through the services (each logs as in the window)."""
    db, admin = county.db, county.actor
    with db.session() as s:
        clerk = accounts.create_user(s, admin, "lina", "李娜", Role.CLERK, "li-na-pass-1")
        accounts.update_user(s, admin, clerk.id, display_name="李娜娜")
        accounts.reset_password(s, admin, clerk.id, "li-na-pass-2")
        accounts.set_active(s, admin, clerk.id, False)
        accounts.set_active(s, admin, clerk.id, True)
        settings.change(s, admin, "work_year", 2025)
    for user, password in (("lina", "wrong-password"), ("nobody", "x")):
        try:
            login_and_commit(db, user, password)
        except LoginFailed:
            pass
    login_and_commit(db, "lina", "li-na-pass-2")
    with db.session() as s:
        sugar = add_enterprise(s, admin, "南伞制糖有限公司", township=TOWN)
        tea = add_enterprise(s, admin, "忙丙茶厂", township=TOWN, union=False)
        add_contract(s, admin, sugar, covered=(tea,))
        add_contract(s, admin, None, kind="区域性集体合同", township=TOWN, covered=(sugar, tea))
        add_evaluation(s, admin, sugar)
        update_enterprise(s, admin, tea, EnterpriseInput(name="忙丙茶叶厂", township_code=TOWN, ownership="非公"))
        gone = add_enterprise(s, admin, "已关闭的砖厂", township=TOWN)
        delete_enterprise(s, admin, gone)
        plan = plan_by_code(s, "zk-2021-2025")
        ind = s.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == "04.2")).one()
        save_values(s, admin, plan.id, TOWN, 2024, [ValueEntry(ind.id, value="3")])
        save_values(s, admin, plan.id, TOWN, 2024, [ValueEntry(ind.id, value="4")])
        lock_year(s, admin, TOWN, 2024)
        unlock_year(s, admin, TOWN, 2024, "补录")
        studio = register_studio(s, admin, StudioInput(
            name="李明劳模创新工作室", kind="劳模创新工作室", township_code=TOWN, lead_name="李明", applied_on=date(2022, 3, 1),
            enterprise_id=sugar, industry="糖"), [MemberInput("张三", "机修工"), MemberInput("李四", "电工"), MemberInput("王五", "质检员")])
        add_member(s, admin, studio, MemberInput("赵六", "钳工"))
        change_status(s, admin, studio, "命名", date(2023, 5, 1), "镇工发〔2023〕5号")
        save_result(s, admin, studio, 2024, ResultInput(proposals=3))
        award = create_session(s, admin, SessionInput("第四届镇康县劳动模范", 2025, 4, quota=12)).id
        person = NominationInput(session_id=award, township_code=TOWN, name="李芳", id_number="530924199007041329",
                                 ethnicity="佤族", political_status="中共党员", education="大学专科", employer="南伞制糖有限公司",
                                 enterprise_id=sugar, job_title="车间主任", phone="13988776655",
                                 category="企业一线工人和专业技术人员", industrial_worker=True, deeds_short="事" * 500,
                                 deeds_full="迹" * 2000)
        nom = create_nomination(s, admin, person)
        update_nomination(s, admin, nom, NominationInput(**{**person.__dict__, "job_title": "厂长"}))
        for action in (wf.Action.RECOMMEND, wf.Action.TOWNSHIP_REVIEW, wf.Action.COUNTY_REVIEW):
            take_step(s, admin, nom, action, "同意")
        take_step(s, admin, nom, wf.Action.PUBLICIZE, publicity_start=date(2025, 6, 2))
        record_objection(s, admin, nom, "群众反映材料不实", on=date(2025, 6, 3))
    # a conflict settled here travels back to the township, which logs the settlement
    _conflict(tmp_path, county, town)
    with db.session() as s:
        (conflict,) = list_conflicts(s, admin)
        resolve_conflict(s, admin, conflict.id, "local")
    town.applied(*[p.path for p in county.export(tmp_path / "back", TOWN)])
    with db.session() as s:
        forget_peer_key(s, admin, TOWN)


def test_the_log_and_its_export_name_records_in_words(tmp_path):
    county, town = pair(tmp_path)
    _office_history(county, town, tmp_path)
    raw_names = set(ACTION_LABELS) | set(ENTITY_LABELS)
    for office in (county, town):
        with office.db.session() as s:
            rows = search_audit(s, office.actor, AuditFilter(), limit=None)
        seen = {r.action for r in rows}
        texts = [text for r in rows for text in (r.action_label, r.entity_label, r.object_name, r.summary)]
        assert _raw(texts, raw_names) == []
        for r in rows:
            if r.entity_id and r.entity not in ("database",):
                assert r.object_name and r.object_name != r.entity_id or r.entity in ("office", "form"), r
        out = tmp_path / f"{office.code}.xlsx"
        with office.db.session() as s:
            export_audit_xlsx(s, office.actor, AuditFilter(), out)
        cells = [str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row[3:] if c]
        assert _raw(cells, raw_names) == []
        if office is county:
            assert {"create", "update", "delete", "login", "login_failed", "password_reset", "enable", "disable", "lock",
                    "unlock", "status", "trust_key", "exchange_export", "exchange_import", "resolve_conflict",
                    "nomination_publicize", "nomination_objection"} <= seen, seen
            names = {r.object_name for r in rows}
            assert {"南伞制糖有限公司", "李芳（南伞制糖有限公司）", "李明劳模创新工作室", "李娜娜（lina）", "当前工作年度"} <= names, names
        else:
            assert "exchange_resolution" in seen
