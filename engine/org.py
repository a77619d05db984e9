"""The organisation: users and groups (positions/roles), loaded from a YAML file.

Format (processes/organisation.yaml)::

    organisations:
      - id: dhss-it
        name: {th: ..., en: ...}
        supervisor: it_group_director   # default supervisor group of this organisation's groups
    groups:
      - {id: clerk, organisation: dhss-it, name: {th: เจ้าพนักงานธุรการ, en: Administrative clerk},
         supervisor: it_group_director}  # who is told when this lane's steps are overdue
    users:
      - {username: somchai, name: {th: สมชาย ใจดี, en: Somchai Jaidee}, groups: [clerk]}

Loading syncs the database to the file: groups and users are upserted, memberships
replaced, and users no longer in the file are deactivated (never deleted: the history
names them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from .errors import ConfigurationError, NotFound
from .models import Group, Membership, User
from .views import UserView

_ID = re.compile(r"^[a-z][a-z0-9_.\-]{0,99}$")


@dataclass(frozen=True)
class OrgGroup:
    id: str
    name_th: str
    name_en: str
    organisation: str
    supervisor: str | None = None


@dataclass(frozen=True)
class OrgUser:
    username: str
    name_th: str
    name_en: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Organisation:
    groups: tuple[OrgGroup, ...]
    users: tuple[OrgUser, ...]


def load_organisation(path: Path) -> Organisation:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read organisation file: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{path}: expected a mapping with 'groups' and 'users'")
    orgs = {o.get("id"): o for o in raw.get("organisations") or [] if isinstance(o, dict)}
    groups = tuple(_group(g, f"{path}: groups[{i}]", orgs) for i, g in enumerate(raw.get("groups") or []))
    group_ids = [g.id for g in groups]
    if len(set(group_ids)) != len(group_ids):
        raise ConfigurationError(f"{path}: a group id is listed twice")
    for i, g in enumerate(groups):
        if g.supervisor is not None and g.supervisor not in group_ids:
            raise ConfigurationError(f"{path}: groups[{i}] ({g.id}): unknown supervisor group {g.supervisor!r}")
    users = tuple(_user(u, f"{path}: users[{i}]", set(group_ids)) for i, u in enumerate(raw.get("users") or []))
    names = [u.username for u in users]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"{path}: a username is listed twice")
    return Organisation(groups=groups, users=users)


def _names(raw: Any, where: str) -> tuple[str, str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("th"), str) or not isinstance(raw.get("en"), str):
        raise ConfigurationError(f"{where}: name is {{th: ..., en: ...}}")
    return raw["th"], raw["en"]


def _group(raw: Any, where: str, orgs: dict[Any, Any]) -> OrgGroup:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not _ID.match(raw["id"]):
        raise ConfigurationError(f"{where}: a group needs an id of lower-case letters, digits, _ . -")
    org = raw.get("organisation", "")
    if orgs and org and org not in orgs:
        raise ConfigurationError(f"{where}: unknown organisation {org!r}")
    th, en = _names(raw.get("name"), where)
    supervisor = raw.get("supervisor", (orgs.get(org) or {}).get("supervisor"))
    if supervisor is not None and not isinstance(supervisor, str):
        raise ConfigurationError(f"{where}: supervisor is a group id")
    if supervisor == raw["id"]:
        supervisor = None  # the head's own lane has nobody above it in this organisation
    return OrgGroup(raw["id"], th, en, org or "", supervisor)


def _user(raw: Any, where: str, group_ids: set[str]) -> OrgUser:
    if not isinstance(raw, dict) or not isinstance(raw.get("username"), str) or not _ID.match(raw["username"]):
        raise ConfigurationError(f"{where}: a user needs a username of lower-case letters, digits, _ . -")
    th, en = _names(raw.get("name"), where)
    groups = raw.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise ConfigurationError(f"{where}: groups is a list of group ids")
    missing = sorted(set(groups) - group_ids)
    if missing:
        raise ConfigurationError(f"{where}: unknown group(s) {', '.join(missing)}")
    return OrgUser(raw["username"], th, en, tuple(groups))


def sync_organisation(session: Session, org: Organisation) -> None:
    """Make the database match the file (inside the caller's unit of work)."""
    for g in org.groups:
        row = session.get(Group, g.id)
        if row is None:
            session.add(Group(id=g.id, name_th=g.name_th, name_en=g.name_en, organisation=g.organisation,
                              supervisor=g.supervisor))
        else:
            row.name_th, row.name_en, row.organisation = g.name_th, g.name_en, g.organisation
            row.supervisor = g.supervisor
    session.flush()
    listed = {u.username for u in org.users}
    for u in org.users:
        row = session.get(User, u.username)
        if row is None:
            session.add(User(username=u.username, name_th=u.name_th, name_en=u.name_en, active=True))
        else:
            row.name_th, row.name_en, row.active = u.name_th, u.name_en, True
    session.flush()
    session.execute(delete(Membership).where(Membership.username.in_(listed)))
    session.add_all(Membership(username=u.username, group_id=g) for u in org.users for g in u.groups)
    session.execute(update(User).where(User.username.not_in(listed)).values(active=False))


_U, _M = User.__table__, Membership.__table__
_USER_GROUPS = (select(_U.c.active, _M.c.group_id).select_from(_U.outerjoin(_M, _M.c.username == _U.c.username))
                .where(_U.c.username == bindparam("username")))


def user_groups(session: Session, username: str) -> set[str]:
    """The groups of an active user; NotFound for an unknown or inactive user."""
    rows = session.execute(_USER_GROUPS, {"username": username}).all()
    if not rows or not rows[0].active:
        raise NotFound(f"user {username!r} does not exist or is not active")
    return {r.group_id for r in rows if r.group_id is not None}


def group_members(session: Session, group_id: str) -> set[str]:
    """Active users of a group."""
    return set(session.scalars(select(_M.c.username).join(_U, _U.c.username == _M.c.username)
                               .where(_M.c.group_id == group_id, _U.c.active.is_(True))))


def list_users(session: Session) -> list[UserView]:
    members: dict[str, list[str]] = {}
    for username, group_id in session.execute(select(Membership.username, Membership.group_id)
                                              .order_by(Membership.group_id)):
        members.setdefault(username, []).append(group_id)
    return [UserView(u.username, u.name_th, u.name_en, tuple(members.get(u.username, ())), u.active)
            for u in session.scalars(select(User).order_by(User.username))]


def supervisors_of(session: Session, group_ids: list[str] | tuple[str, ...]) -> set[str]:
    """Active members of the supervisor groups of the given groups."""
    if not group_ids:
        return set()
    sup = select(Group.supervisor).where(Group.id.in_(list(group_ids)), Group.supervisor.is_not(None))
    return set(session.scalars(select(Membership.username).join(User, User.username == Membership.username)
                               .where(Membership.group_id.in_(sup), User.active.is_(True))))
