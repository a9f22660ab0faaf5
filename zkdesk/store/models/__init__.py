"""All tables. Importing this package registers every model on Base.metadata."""

from zkdesk.store.models.org import OrgUnit, Setting, User
from zkdesk.store.models.plan import (
    Department,
    EvaluationNarrative,
    Indicator,
    IndicatorBaseline,
    IndicatorDuty,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Plan,
    PlanItem,
    YearLock,
)
from zkdesk.store.models.enterprise import (
    CollectiveContract,
    ContractCoverage,
    Enterprise,
    EnterpriseUnion,
    EnterpriseYear,
    QualityEvaluation,
)
from zkdesk.store.models.nomination import AwardSession, Nomination, NominationStep
from zkdesk.store.models.studio import Studio, StudioMember, StudioResult
from zkdesk.store.models.logs import AuditEntry, ExchangeLogEntry
from zkdesk.store.models.exchange import (
    ExchangeAlias,
    ExchangeConflict,
    ExchangeFormState,
    ExchangeInbound,
    ExchangePeer,
    ExchangeReceipt,
    ExchangeRecordState,
)

__all__ = [
    "AuditEntry",
    "AwardSession",
    "CollectiveContract",
    "ContractCoverage",
    "Department",
    "Enterprise",
    "EnterpriseUnion",
    "EnterpriseYear",
    "EvaluationNarrative",
    "ExchangeAlias",
    "ExchangeConflict",
    "ExchangeFormState",
    "ExchangeInbound",
    "ExchangeLogEntry",
    "ExchangePeer",
    "ExchangeReceipt",
    "ExchangeRecordState",
    "Indicator",
    "IndicatorBaseline",
    "IndicatorDuty",
    "IndicatorTarget",
    "IndicatorValue",
    "Milestone",
    "Nomination",
    "NominationStep",
    "OrgUnit",
    "Plan",
    "PlanItem",
    "QualityEvaluation",
    "Setting",
    "Studio",
    "StudioMember",
    "StudioResult",
    "User",
    "YearLock",
]
