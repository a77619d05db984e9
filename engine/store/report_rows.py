"""The auditors' reports' rows, aggregated in SQL so that 100,000 cases stay fast.

Steps and cases are grouped by (procedure, step, month, working days taken, on time): the working
days are counted in SQL from a table of each day's working-day ordinal that the service computes
with the engine's calendar (engine.time.calendar.WorkCalendar) and passes in as one JSON parameter,
so the database returns a few hundred groups, not a row per step. Completions' control points and
capacities are read from the task rows (kept there with each completion, checked against the
history by verify); the acting officials' details from their ``task_completed`` payloads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Date,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy import table as sql_table
from sqlalchemy.sql.elements import ColumnClause

from ..report_results import ReportFilter
from ..time.calendar import at_local, local_date
from .tables import HistoryEvent, HumanTask, Instance, Membership

_MIDNIGHT = datetime.min.time()


@dataclass(frozen=True)
class DurationGroup:
    process_id: str
    element_id: str  # "" for a whole case
    month: str  # of completion, Bangkok, YYYY-MM ("" for a whole case)
    working_days: int
    on_time: int | None  # 1 on time, 0 late, None: neither a deadline nor a standard
    count: int


@dataclass(frozen=True)
class OverdueRow:
    task_id: int
    instance_id: int
    process_id: str
    element_id: str
    name: str
    lane: str | None
    title: str
    assignee: str | None
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class CompletionGroup:
    process_id: str
    element_id: str
    confirmed: int
    acting: bool
    count: int


def _bangkok_day(conn: Connection, col: Any) -> ColumnElement[Any]:
    """The Bangkok date of a moment: UTC + 7 hours (Thailand has kept UTC+7, without summer time,
    since 1920), which PostgreSQL adds four times faster than it converts through the time zone."""
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", col) + text("interval '7 hours'"), Date)
    return func.date(col, "+7 hours")


def tune(conn: Connection) -> None:
    """For one report's read-only transaction on PostgreSQL: memory to group in (not on disk), and
    parallel workers for its scans of every task and completion (about 3x at 100,000 cases, see
    docs/benchmarks.md). ``SET LOCAL`` ends with the transaction."""
    if conn.dialect.name == "postgresql":
        for setting in ("work_mem = '64MB'", "parallel_setup_cost = 10", "parallel_tuple_cost = 0.001"):
            conn.exec_driver_sql(f"SET LOCAL {setting}")


def _window(f: ReportFilter) -> tuple[datetime | None, datetime | None]:
    """The filter's Bangkok days as UTC moments [from, to)."""
    start = at_local(f.date_from, _MIDNIGHT) if f.date_from else None
    end = None
    if f.date_to:
        from datetime import timedelta

        end = at_local(f.date_to + timedelta(days=1), _MIDNIGHT)
    return start, end


def _between(col: Any, f: ReportFilter) -> list[ColumnElement[bool]]:
    start, end = _window(f)
    return [c for c in ((col >= start) if start else None, (col < end) if end else None) if c is not None]


def _json_rows(conn: Connection, name: str, rows: list[dict[str, Any]], typed: dict[str, str]) -> Any:
    """Rows passed as one JSON parameter and read back as a typed table (``typed``: column -> SQL
    type), so that a calendar of a few thousand days joins without a temporary table."""
    doc = json.dumps(rows, default=str)
    if conn.dialect.name == "postgresql":
        cols = ", ".join(f"{c} {t}" for c, t in typed.items())
        sql = f"SELECT * FROM json_to_recordset(CAST(:{name} AS json)) AS {name}_rows({cols})"
    else:
        cols = ", ".join(f"json_extract(value, '$.{c}') AS {c}" for c in typed)
        sql = f"SELECT {cols} FROM json_each(:{name})"
        # SQLite would read the JSON again for every row it joins with; a materialized CTE is read once.
        return (text(sql).bindparams(**{name: doc}).columns(*(column(c) for c in typed)).cte(name)
                .prefix_with("MATERIALIZED"))
    return text(sql).bindparams(**{name: doc}).columns(*(column(c) for c in typed)).subquery(name)


def day_span(conn: Connection, f: ReportFilter) -> tuple[date, date] | None:
    """The first and last Bangkok day any completed step or case of the filter starts or ends on."""
    t, i = HumanTask.c, Instance.c
    steps = conn.execute(select(func.min(t.created_at), func.max(t.completed_at))
                         .where(t.state == "completed", *_between(t.completed_at, f))).one()
    cases = conn.execute(select(func.min(i.created_at), func.max(i.completed_at))
                         .where(i.status == "completed", *_between(i.completed_at, f))).one()
    firsts = [m for m in (steps[0], cases[0]) if m is not None]
    lasts = [m for m in (steps[1], cases[1]) if m is not None]
    if not firsts or not lasts:
        return None
    return local_date(min(firsts)), local_date(max(lasts))


@dataclass(frozen=True)
class Reckoning:
    """What the duration queries need from the engine: each day's working-day ordinal (working days
    up to and including it, so that an end's minus a start's is the working days after the start up
    to the end) and each step's standard in working days."""

    ordinals: list[tuple[date, int]]
    standards: list[tuple[str, str, float]]


def _durations(conn: Connection, r: Reckoning) -> tuple[Any, Any, Any]:
    days = [{"d": d.isoformat(), "n": n, "m": d.isoformat()[:7]} for d, n in r.ordinals]
    if conn.dialect.name == "sqlite":
        ws, we = _sqlite_days(conn, days)
    else:
        ws = _json_rows(conn, "ws", days, {"d": "date", "n": "int", "m": "text"})
        we = _json_rows(conn, "we", days, {"d": "date", "n": "int", "m": "text"})
    return ws, we, (we.c.n - ws.c.n)


def _sqlite_days(conn: Connection, days: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The days' ordinals in a temporary table keyed by day (this connection's own, emptied first):
    SQLite joins each step to its two days through the key, where a JSON table, having no index,
    made it scan every day for every step (10 s at 2,000 cases, docs/benchmarks.md)."""
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS report_days "
                         "(d TEXT PRIMARY KEY, n INTEGER NOT NULL, m TEXT NOT NULL) WITHOUT ROWID")
    conn.exec_driver_sql("DELETE FROM temp.report_days")
    if days:
        conn.execute(text("INSERT INTO temp.report_days (d, n, m) VALUES (:d, :n, :m)"), days)
    table = sql_table("report_days", column("d"), column("n"), column("m"), schema="temp")
    return table.alias("ws"), table.alias("we")


def step_durations(conn: Connection, f: ReportFilter, r: Reckoning) -> list[DurationGroup]:
    """Completed steps completed within the filter's days, grouped by procedure, step, working days
    taken and whether on time (by the due time; without one, against the step's standard)."""
    t = HumanTask.c
    ws, we, dur = _durations(conn, r)
    std = _json_rows(conn, "std", [{"p": p, "e": e, "s": v} for p, e, v in r.standards] or [{"p": "", "e": "", "s": 0}],
                     {"p": "text", "e": "text", "s": "float"})
    on_time = case((t.due_at.is_not(None), case((t.completed_at <= t.due_at, 1), else_=0)),
                   (std.c.s.is_not(None), case((dur <= std.c.s, 1), else_=0)), else_=None)
    joined = (HumanTask.join(ws, ws.c.d == _bangkok_day(conn, t.created_at))
              .join(we, we.c.d == _bangkok_day(conn, t.completed_at))
              .outerjoin(std, and_(std.c.p == t.process_id, std.c.e == t.element_id)))
    month = we.c.m
    query = (select(t.process_id, t.element_id, month.label("m"), dur.label("wd"), on_time.label("ok"),
                    func.count().label("n"))
             .select_from(joined).where(*_step_where(f)).group_by(t.process_id, t.element_id, month, dur, on_time))
    return [DurationGroup(r_.process_id, r_.element_id, str(r_.m), int(r_.wd), None if r_.ok is None else int(r_.ok),
                          int(r_.n)) for r_ in conn.execute(query)]


def _step_where(f: ReportFilter) -> list[ColumnElement[bool]]:
    t = HumanTask.c
    where = [t.state == "completed", t.completed_at.is_not(None), *_between(t.completed_at, f)]
    if f.process_id:
        where.append(t.process_id == f.process_id)
    if f.lane:
        where.append(t.lane == f.lane)
    return where


def case_durations(conn: Connection, f: ReportFilter, r: Reckoning) -> list[DurationGroup]:
    """Completed cases, grouped; a case is late when one of its steps was completed past its due time."""
    i, t = Instance.c, HumanTask.c
    ws, we, dur = _durations(conn, r)
    # per case: 1 when a step with a deadline was completed past it, 0 when none was (NULL: no deadline)
    late_of = (select(t.instance_id.label("case_id"),
                      func.max(case((t.completed_at > t.due_at, 1), else_=0)).label("late"))
               .where(t.due_at.is_not(None)).group_by(t.instance_id).subquery("late_of"))
    ok = case((late_of.c.late.is_(None), None), (late_of.c.late == 1, 0), else_=1)
    where = [i.status == "completed", i.completed_at.is_not(None), *_between(i.completed_at, f)]
    if f.process_id:
        where.append(i.process_id == f.process_id)
    if f.lane:
        where.append(exists().where(t.instance_id == i.id, t.lane == f.lane))
    joined = (Instance.join(ws, ws.c.d == _bangkok_day(conn, i.created_at))
              .join(we, we.c.d == _bangkok_day(conn, i.completed_at))
              .outerjoin(late_of, late_of.c.case_id == i.id))
    query = (select(i.process_id, dur.label("wd"), ok.label("ok"), func.count().label("n"))
             .select_from(joined).where(*where).group_by(i.process_id, dur, ok))
    return [DurationGroup(r_.process_id, "", "", int(r_.wd), None if r_.ok is None else int(r_.ok), int(r_.n))
            for r_ in conn.execute(query)]


def _overdue_where(f: ReportFilter, now: datetime) -> list[ColumnElement[bool]]:
    t = HumanTask.c
    where = [t.state == "open", t.due_at.is_not(None), t.due_at < now, *_between(t.due_at, f)]
    if f.process_id:
        where.append(t.process_id == f.process_id)
    if f.lane:
        where.append(t.lane == f.lane)
    return where


def overdue(conn: Connection, f: ReportFilter, now: datetime,
            limit: int) -> tuple[list[OverdueRow], list[tuple[str, int]]]:
    """Open steps past their due time: the ``limit`` most overdue, and the count per procedure."""
    t = HumanTask.c
    where = _overdue_where(f, now)
    rows = conn.execute(select(t.id, t.instance_id, t.process_id, t.element_id, t.name, t.lane, t.title, t.assignee,
                               t.created_at, t.due_at).where(*where).order_by(t.due_at, t.id).limit(limit))
    counts = conn.execute(select(t.process_id, func.count()).where(*where).group_by(t.process_id)
                          .order_by(t.process_id))
    return ([OverdueRow(int(r.id), int(r.instance_id), r.process_id, r.element_id, r.name, r.lane, r.title,
                        r.assignee, r.created_at, r.due_at) for r in rows], [(str(p), int(n)) for p, n in counts])


@dataclass(frozen=True)
class Side:
    """One side of a segregation rule as the record shows it: the steps whose completer holds the
    role, whether the case's starter does, the case variables that name people (their value now,
    a username or a list of them) and the organisation's groups whose members do."""

    steps: tuple[str, ...] = ()
    starter: bool = False
    variables: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.steps or self.starter or self.variables or self.groups)


@dataclass(frozen=True)
class RuleSides:
    """A segregation rule of one procedure: its ``who`` side and its other side."""

    process_id: str
    who: Side
    not_: Side


def _people_named(conn: Connection, pid: str, variable: str, f: ReportFilter) -> Any:
    """(case, person, role) for each person a case variable names now (instances.data_json)."""
    i = Instance.c
    role = literal(f"variable:{variable}")
    if conn.dialect.name == "postgresql":
        value = cast(i.data_json, JSON)[variable]
        listed = case((func.json_typeof(value) == "array", value), else_=func.json_build_array(value.as_string()))
        names = func.json_array_elements_text(listed).table_valued("value").lateral()
        source = Instance.join(names, literal(True))
        person: Any = names.c.value
    else:
        names = func.json_each(i.data_json, literal('$."' + variable.replace('"', "") + '"')).table_valued("value")
        source = Instance.join(names, literal(True))
        person = names.c.value
    return (select(i.id.label("i"), person.label("p"), role.label("r")).select_from(source)
            .where(i.process_id == pid, person.is_not(None), *_between(i.created_at, f)))


def _side(conn: Connection, pid: str, side: Side, f: ReportFilter) -> Any:
    t, i, m = HumanTask.c, Instance.c, Membership.c
    parts: list[Any] = []
    if side.steps:
        parts.append(select(t.instance_id.label("i"), t.completed_by.label("p"),
                            (literal("step:") + t.element_id).label("r"))
                     .where(t.process_id == pid, t.state == "completed", t.element_id.in_(side.steps),
                            t.completed_by.is_not(None), *_case_window(f)))
    if side.starter:
        parts.append(select(i.id.label("i"), i.started_by.label("p"), literal("starter").label("r"))
                     .where(i.process_id == pid, *_between(i.created_at, f)))
    parts += [_people_named(conn, pid, v, f) for v in side.variables]
    if side.groups:  # every case of the procedure, with every member of the groups
        parts.append(select(i.id.label("i"), m.username.label("p"), (literal("group:") + m.group_id).label("r"))
                     .select_from(Instance.join(Membership, literal(True)))
                     .where(i.process_id == pid, m.group_id.in_(side.groups), *_between(i.created_at, f)))
    if len(parts) == 1:
        return parts[0].subquery()
    return union_all(*parts).subquery()


def segregation_breaches(conn: Connection, f: ReportFilter, rule: RuleSides) -> list[tuple[int, str, str, str]]:
    """(case, person, a role on the rule's who side, a role on its other side) of everyone who held
    both sides in one case, joined in SQL (only the breaches come back)."""
    if not rule.who or not rule.not_:
        return []
    who = _side(conn, rule.process_id, rule.who, f)
    other = _side(conn, rule.process_id, rule.not_, f)
    query = (select(who.c.i, who.c.p, func.min(who.c.r), func.min(other.c.r))
             .select_from(who.join(other, and_(who.c.i == other.c.i, who.c.p == other.c.p)))
             .group_by(who.c.i, who.c.p))
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in conn.execute(query)]


def _case_window(f: ReportFilter) -> list[ColumnElement[bool]]:
    """Cases started within the filter's days (for rules judged per case)."""
    t, i = HumanTask.c, Instance.c
    inner = _between(i.created_at, f)
    if not inner:
        return []
    return [t.instance_id.in_(select(i.id).where(*inner))]


def _by_acting_official(conn: Connection) -> ColumnClause[Any]:
    """Whether a history payload has a capacity (its actor acted for someone)."""
    if conn.dialect.name == "postgresql":
        return literal_column("((history_events.payload::json -> 'capacity') IS NOT NULL)")
    return literal_column("(json_extract(history_events.payload, '$.capacity') IS NOT NULL)")


def _completion_where(f: ReportFilter) -> list[ColumnElement[bool]]:
    h, i = HistoryEvent.c, Instance.c
    where: list[ColumnElement[bool]] = [h.event_type == "task_completed"]
    start, end = _window(f)
    if start:
        where.append(h.occurred_at >= start.isoformat(timespec="microseconds"))
    if end:
        where.append(h.occurred_at < end.isoformat(timespec="microseconds"))
    if f.process_id:
        where.append(h.instance_id.in_(select(i.id).where(i.process_id == f.process_id)))
    return where


def completions(conn: Connection, f: ReportFilter) -> list[CompletionGroup]:
    """Completions grouped by procedure, step, control points confirmed and whether by an acting
    official, from the task rows (what each completion recorded is kept on its row, migration
    0015, and checked against the history by verify)."""
    t = HumanTask.c
    where = [t.state == "completed", t.completed_at.is_not(None), *_between(t.completed_at, f)]
    if f.process_id:
        where.append(t.process_id == f.process_id)
    confirmed = func.coalesce(t.controls_confirmed, 0)
    acting = func.coalesce(t.acting, False)
    query = (select(t.process_id, t.element_id.label("el"), confirmed.label("c"), acting.label("a"),
                    func.count().label("n"))
             .where(*where).group_by(t.process_id, t.element_id, confirmed, acting))
    return [CompletionGroup(r.process_id, str(r.el or ""), int(r.c or 0), bool(r.a), int(r.n))
            for r in conn.execute(query)]


def acting_completions(conn: Connection, f: ReportFilter,
                       limit: int) -> list[tuple[int, str, str, str, dict[str, Any]]]:
    """(instance, procedure, actor, when, payload) of completions by acting officials, newest first."""
    h, i = HistoryEvent.c, Instance.c
    acting = _by_acting_official(conn)
    query = (select(h.instance_id, i.process_id, h.actor, h.occurred_at, h.payload)
             .select_from(HistoryEvent.join(Instance, Instance.c.id == h.instance_id))
             .where(*_completion_where(f), acting).order_by(h.id.desc()).limit(limit))
    return [(int(r.instance_id), str(r.process_id), str(r.actor or ""), str(r.occurred_at), json.loads(r.payload))
            for r in conn.execute(query)]


def process_ids(conn: Connection, f: ReportFilter) -> list[str]:
    """The procedures that have cases (or the filter's one)."""
    if f.process_id:
        return [f.process_id]
    i = Instance.c
    return [str(p) for p in conn.scalars(select(i.process_id).distinct().order_by(i.process_id))]
