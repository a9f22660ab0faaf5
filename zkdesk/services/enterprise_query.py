"""The year rules of services/enterprise_facts.py written as SQL, for lists that filter, join
and count in the database instead of reading the whole register into Python.

enterprise_facts is the reference (its docstring states the rules);
tests/unit/test_register_lists_sql.py checks that the lists built on these expressions give
the rows the Python rules give, year by year, on the demo county and its edge cases. Plain SQLAlchemy Core: the same statements run on
SQLite and PostgreSQL. YearColumns' expressions are correlated with `Enterprise`: use them in
a statement that selects from the enterprise table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from zkdesk.domain.contract_rules import LARGE_ENTERPRISE
from zkdesk.services.enterprise_facts import CLOSED
from zkdesk.services.scope import org_filter
from zkdesk.store.id_lists import id_parts
from zkdesk.store.models import CollectiveContract, ContractCoverage, Enterprise, EnterpriseUnion, EnterpriseYear

# The year row and the union joined to each enterprise (see YearColumns).
YearRow = aliased(EnterpriseYear, name="year_row")
UnionRow = aliased(EnterpriseUnion, name="union_row")


def _by_year_end(day, year: int) -> ColumnElement[bool]:
    return or_(day.is_(None), day <= date(year, 12, 31))


@dataclass(frozen=True)
class YearColumns:
    """One enterprise as it stood in `year`, as columns (the fields of enterprise_facts.YearFacts)."""

    year: int

    @property
    def has_union(self) -> ColumnElement[bool]:
        return and_(UnionRow.id.is_not(None), _by_year_end(UnionRow.established_on, self.year))

    @property
    def congress(self) -> ColumnElement[bool]:
        return and_(self.has_union, UnionRow.congress.is_(True), _by_year_end(UnionRow.congress_on, self.year))

    @property
    def openness(self) -> ColumnElement[bool]:
        return and_(self.has_union, UnionRow.openness.is_(True), _by_year_end(UnionRow.openness_on, self.year))

    @property
    def on_register(self) -> ColumnElement[bool]:
        return and_(YearRow.operating_status.is_not(None), YearRow.operating_status != CLOSED)

    @property
    def large(self) -> ColumnElement[bool]:
        return and_(self.on_register, YearRow.employees >= LARGE_ENTERPRISE)

    def select(self, org_code: str) -> Select:
        """Every live enterprise `org_code` keeps (the county: all), with the year row it had
        in the year (the latest live one up to it) and its live union: YearFacts' fields, in
        their order (a row makes a YearFacts positionally). One statement: SQLite and PostgreSQL find each year row by the (enterprise,
        year) index instead of grouping the whole year table."""
        latest = (
            select(EnterpriseYear.id)
            .where(EnterpriseYear.enterprise_id == Enterprise.id, EnterpriseYear.deleted.is_(False),
                   EnterpriseYear.year <= self.year)
            .order_by(EnterpriseYear.year.desc())
            .limit(1)
            .correlate(Enterprise)
            .scalar_subquery()
        )
        return (
            select(
                Enterprise.id.label("enterprise_id"), Enterprise.name, Enterprise.uscc, Enterprise.township_code,
                Enterprise.ownership, Enterprise.industry, Enterprise.is_company,
                YearRow.employees.label("employees"), YearRow.operating_status.label("status"),
                self.has_union.label("has_union"), self.congress.label("congress"), self.openness.label("openness"),
            )
            .select_from(Enterprise)
            .outerjoin(YearRow, YearRow.id == latest)
            .outerjoin(UnionRow, and_(UnionRow.enterprise_id == Enterprise.id, UnionRow.deleted.is_(False)))
            .where(Enterprise.deleted.is_(False), org_filter(Enterprise.township_code, org_code))
        )


def in_force(year: int) -> ColumnElement[bool]:
    """domain.contract_rules.in_force_during as SQL: a live contract whose term overlaps the
    year and that the review did not object to."""
    c = CollectiveContract
    return and_(
        c.deleted.is_(False), c.review_objection.is_(False), c.signed_on.is_not(None), c.signed_on <= date(year, 12, 31),
        or_(c.expires_on.is_(None), c.expires_on >= date(year, 1, 1)),
    )


# Up to this many enterprises, their contracts are looked up by id (a search, a filtered
# list); beyond it, every contract in force is read once, which costs the same for any size.
LOOKUP_BY_ID = 5_000


def contract_cover(session: Session, year: int, enterprise_ids: list[str] | None = None) -> dict[str, bool]:
    """Enterprise id → whether a negotiation-established contract covers it, for each
    enterprise that is a party to, or on the coverage list of, a contract in force in the year
    (enterprise_facts.contract_facts: the keys are `covered`, the true ones `negotiated`).
    `enterprise_ids`: only these (None: every enterprise)."""
    negotiated = func.max(case((CollectiveContract.negotiation_established.is_(True), 1), else_=0))
    own = (select(CollectiveContract.enterprise_id, negotiated)
           .where(CollectiveContract.enterprise_id.is_not(None), in_force(year))
           .group_by(CollectiveContract.enterprise_id))
    listed = (select(ContractCoverage.enterprise_id, negotiated)
              .join(CollectiveContract, CollectiveContract.id == ContractCoverage.contract_id)
              .where(ContractCoverage.deleted.is_(False), in_force(year))
              .group_by(ContractCoverage.enterprise_id))
    cover: dict[str, bool] = {}
    for query, column in ((own, CollectiveContract.enterprise_id), (listed, ContractCoverage.enterprise_id)):
        for ids in id_parts(enterprise_ids, whole_above=LOOKUP_BY_ID):
            restricted = query if ids is None else query.where(column.in_(ids))
            for enterprise_id, flag in session.execute(restricted):
                cover[enterprise_id] = cover.get(enterprise_id, False) or bool(flag)
    return cover


def duplicate_codes(session: Session, codes: list[str] | None = None) -> set[str]:
    """统一社会信用代码 held by more than one live enterprise of the county; `codes`: only
    among these (None: all). Without `codes` the inner query reads only the code index and
    the outer one checks that the few candidates are live."""
    candidates = (select(Enterprise.uscc).where(Enterprise.uscc != "")
                  .group_by(Enterprise.uscc).having(func.count() > 1))
    found: set[str] = set()
    for chunk in id_parts(codes, whole_above=LOOKUP_BY_ID):
        query = (select(Enterprise.uscc).where(Enterprise.deleted.is_(False))
                 .where(Enterprise.uscc.in_(candidates) if chunk is None else Enterprise.uscc.in_(chunk))
                 .group_by(Enterprise.uscc).having(func.count() > 1))
        found.update(code for code in session.scalars(query) if code)
    return found


def contains_text(column, text: str) -> ColumnElement[bool]:
    """`text` occurs in the column, letters in either case (SQLite: lower() LIKE, PostgreSQL:
    ILIKE); % and _ in the text are matched literally."""
    return column.icontains(text, autoescape=True)
