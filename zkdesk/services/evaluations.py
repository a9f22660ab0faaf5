"""集体协商质效评估: one evaluation per enterprise and year. The total is the sum of the five
areas; 知晓率 and 满意度 are computed from the survey counts, never typed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.contract_rules import RuleError, Scores, check_scores, check_survey, survey_rate
from zkdesk.domain.roles import Permission
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.enterprise_facts import contract_facts, require_in_scope
from zkdesk.services.errors import UserError
from zkdesk.services.orgs import org_names
from zkdesk.services.records import live_record
from zkdesk.services.scope import org_filter
from zkdesk.store.models import Enterprise, QualityEvaluation

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class EvaluationInput:
    enterprise_id: str
    year: int
    score_parties: float = 0  # 协商主体
    score_procedure: float = 0  # 协商程序
    score_content: float = 0  # 协商内容
    score_performance: float = 0  # 合同履行及效果
    score_overall: float = 0  # 综合评价
    respondents: int = 0  # 受调查职工数
    aware: int = 0  # 知晓集体协商的人数
    satisfied: int = 0  # 对集体协商满意的人数

    def scores(self) -> Scores:
        return Scores(self.score_parties, self.score_procedure, self.score_content, self.score_performance,
                      self.score_overall)


_FIELDS = tuple(EvaluationInput.__dataclass_fields__)


def _enterprise(session: Session, actor: Actor, enterprise_id: str) -> Enterprise:
    ent = live_record(session, Enterprise, enterprise_id, "请选择参加评估的企业")
    require_in_scope(session, actor, ent.township_code)
    return ent


def save_evaluation(session: Session, actor: Actor, data: EvaluationInput) -> str:
    """Record the enterprise's evaluation for the year (replacing an earlier entry)."""
    actor.require(Permission.EDIT)
    ent = _enterprise(session, actor, data.enterprise_id)
    if not MIN_YEAR <= data.year <= MAX_YEAR:
        raise UserError(f"评估年度“{data.year}”不合理")
    try:
        total = check_scores(data.scores())
        check_survey(data.respondents, data.aware, data.satisfied)
    except RuleError as exc:
        raise UserError(str(exc)) from None
    new = asdict(data) | {"score_total": total}
    row = session.scalars(
        select(QualityEvaluation).where(QualityEvaluation.enterprise_id == ent.id, QualityEvaluation.year == data.year)
    ).first()
    old = None if row is None or row.deleted else {name: getattr(row, name) for name in new}
    if old == new:
        return row.id
    if row is None:
        row = QualityEvaluation(origin=ent.township_code, **new)
        session.add(row)
    else:
        for name, value in new.items():
            setattr(row, name, value)
        row.deleted = False  # one row per enterprise and year: a removed one comes back
    session.flush()
    audit.record(session, actor.username, "update" if old else "create", "quality_evaluation", row.id,
                 {"old": old, "new": new})
    return row.id


def delete_evaluation(session: Session, actor: Actor, evaluation_id: str) -> None:
    actor.require(Permission.EDIT)
    row = live_record(session, QualityEvaluation, evaluation_id, "找不到该质效评估记录，可能已被删除")
    _enterprise(session, actor, row.enterprise_id)
    row.deleted = True
    session.flush()
    audit.record(session, actor.username, "delete", "quality_evaluation", row.id,
                 {"old": {name: getattr(row, name) for name in _FIELDS}})


def get_evaluation(session: Session, actor: Actor, evaluation_id: str) -> EvaluationInput:
    actor.require(Permission.VIEW)
    row = live_record(session, QualityEvaluation, evaluation_id, "找不到该质效评估记录，可能已被删除")
    _enterprise(session, actor, row.enterprise_id)
    return EvaluationInput(**{name: getattr(row, name) for name in _FIELDS})


@dataclass(frozen=True)
class EvaluationRow:
    id: str
    enterprise_id: str
    enterprise_name: str
    township_name: str
    year: int
    score_total: float
    respondents: int
    aware: int
    satisfied: int
    awareness_rate: float | None  # 知晓率 %
    satisfaction_rate: float | None  # 满意度 %
    negotiated: bool  # the enterprise had a negotiation-established contract in force that year


def list_evaluations(session: Session, actor: Actor, year: int, township_code: str | None = None) -> list[EvaluationRow]:
    actor.require(Permission.VIEW)
    query = (
        select(QualityEvaluation, Enterprise)
        .join(Enterprise, Enterprise.id == QualityEvaluation.enterprise_id)
        .where(QualityEvaluation.deleted.is_(False), Enterprise.deleted.is_(False), QualityEvaluation.year == year,
               org_filter(Enterprise.township_code, actor.office_code))
        .order_by(Enterprise.township_code, Enterprise.name, Enterprise.id)
    )
    if township_code:
        query = query.where(Enterprise.township_code == township_code)
    names = org_names(session)
    negotiated = contract_facts(session, year).negotiated
    return [
        EvaluationRow(
            id=ev.id, enterprise_id=ent.id, enterprise_name=ent.name, township_name=names.get(ent.township_code, ""),
            year=ev.year, score_total=ev.score_total, respondents=ev.respondents, aware=ev.aware, satisfied=ev.satisfied,
            awareness_rate=survey_rate(ev.aware, ev.respondents), satisfaction_rate=survey_rate(ev.satisfied, ev.respondents),
            negotiated=ent.id in negotiated,
        )
        for ev, ent in session.execute(query)
    ]
