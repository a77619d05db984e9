"""Draft rows: a task's form as one person saved it, private to them, until the task is done (a
trigger on tasks deletes them when the task leaves the open state, migration 0006)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .tables import Draft


def load(conn: Connection, task_id: int, username: str) -> dict[str, Any] | None:
    text = conn.scalar(select(Draft.c.data_json).where(Draft.c.task_id == task_id, Draft.c.username == username))
    return json.loads(text) if text is not None else None


def save(conn: Connection, key: tuple[int, str], values: dict[str, Any], now: datetime) -> None:
    """Insert or replace the draft of (task id, username)."""
    task_id, username = key
    text = json.dumps(values, ensure_ascii=False)
    changed = conn.execute(update(Draft).where(Draft.c.task_id == task_id, Draft.c.username == username)
                           .values(data_json=text, saved_at=now)).rowcount
    if not changed:
        conn.execute(insert(Draft).values(task_id=task_id, username=username, data_json=text, saved_at=now))



def latest_of(conn: Connection, task_id: int, usernames: list[str]) -> dict[str, Any] | None:
    """The latest draft of the task saved by one of ``usernames`` (who prepare it on behalf of its holder)."""
    text = conn.scalar(select(Draft.c.data_json).where(Draft.c.task_id == task_id, Draft.c.username.in_(usernames))
                       .order_by(Draft.c.saved_at.desc()).limit(1))
    return json.loads(text) if text is not None else None
