"""The database's mirror of the signed checkpoint lines (engine.services.checkpoints)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from .tables import CheckpointRow


def add(conn: Connection, line: str, written_at: datetime) -> None:
    conn.execute(insert(CheckpointRow).values(line=line, written_at=written_at))


def newest_lines(conn: Connection, limit: int = 20) -> list[str]:
    """The most recently written lines, newest first."""
    rows = conn.scalars(select(CheckpointRow.c.line).order_by(CheckpointRow.c.written_at.desc(),
                                                             CheckpointRow.c.id.desc()).limit(limit))
    return list(rows)
