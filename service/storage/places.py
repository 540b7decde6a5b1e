"""The ``place`` filter: documents whose issuer, parent issuer or place line names a unit
inside the wanted place, under its current or former name (see normalize.places)."""

from __future__ import annotations

from sqlalchemy import SQLColumnExpression, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from normalize import places
from service.storage.models import DocumentRow


def _columns() -> tuple[SQLColumnExpression[str | None], ...]:
    doc = DocumentRow.record["doc"]
    return (
        DocumentRow.issuer,
        doc["parent_issuer"].as_string(),
        doc["place"].as_string(),
    )


def condition(s: Session, place: str) -> ColumnElement[bool]:
    """A SQL condition on documents for ``place``. The distinct issuers and place lines are
    few, so they are matched here and the condition is an ``IN`` over indexed values."""
    pat = places.pattern(place)
    if pat is None:
        return false()
    conds = []
    for col in _columns():
        values = s.scalars(select(col).where(col.is_not(None)).distinct())
        hits = [v for v in values if v and places.mentions(v, place)]
        if hits:
            conds.append(col.in_(hits))
    return or_(*conds) if conds else false()
