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

Loading syncs the database to the file (engine.store.people): groups and users are upserted,
memberships replaced, and users no longer in the file are deactivated (never deleted: the
history names them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
from ..errors import ConfigurationError

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
