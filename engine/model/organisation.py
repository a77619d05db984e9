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
    positions:   # optional: the positions acting officials may be appointed for
      - {id: it_director, title: {th: ผู้อำนวยการ..., en: ...}, groups: [it_group_director], holder: somchai}

Loading syncs the database to the file (engine.store.people): groups and users are upserted,
memberships replaced, and users no longer in the file are deactivated (never deleted: the
history names them).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OrgGroup:
    id: str
    name_th: str
    name_en: str
    organisation: str
    supervisor: str | None = None


ROLES = ("admin", "auditor")  # system roles, beside the groups (lanes) a user belongs to


@dataclass(frozen=True)
class OrgUser:
    username: str
    name_th: str
    name_en: str
    groups: tuple[str, ...]
    # admin: operates the system (organisation, holidays, deployments); auditor: reads every
    # case and its history, changes nothing.
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrgPosition:
    """A position (ตำแหน่ง, e.g. the IT Group's director): whose tasks it holds (the groups whose
    steps it decides), and who holds it now. An acting official acts for a position
    (engine.services.acting)."""

    id: str
    title_th: str
    title_en: str
    groups: tuple[str, ...]
    holder: str | None = None


@dataclass(frozen=True)
class Organisation:
    groups: tuple[OrgGroup, ...]
    users: tuple[OrgUser, ...]
    positions: tuple[OrgPosition, ...] = ()


def load_organisation(path: Path) -> Organisation:
    """The organisation of the file; a mistake is a ConfigurationError naming the file, the group
    or user and the rule (engine.model.organisation_schema)."""
    from .organisation_schema import load_organisation_file  # pydantic models: imported only when loading

    return load_organisation_file(path)
