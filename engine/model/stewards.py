"""Who looks after each procedure (``processes/owners.yaml``): its owners, who change it in the
browser, and its approvers, the second person who must approve a change before it is published.

    defaults:                      # every procedure the file does not list
      owners: [admin_dev_group]
      approvers: [it_group_director]
    processes:
      meeting-setup:
        owners: [gen_admin_unit]
        approvers: [it_group_director]

Entries are group ids (``group:`` may be written) or single people (``user:somchai``). Without
the file, administrators own and approve every procedure. Four eyes always: whoever edited a
change never approves it (``engine.services.authoring``).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from ..time.file_schema import REQUIRED, Schema, list_of, load_yaml, refuse, says

ADMIN = "admin"
_ENTRY = StringConstraints(pattern=r"^((group|user):)?[A-Za-z0-9_.@-]{1,100}$")


@dataclass(frozen=True)
class Stewards:
    """The owners and approvers of one procedure: group ids and usernames."""

    owner_groups: frozenset[str] = frozenset()
    owner_users: frozenset[str] = frozenset()
    approver_groups: frozenset[str] = frozenset()
    approver_users: frozenset[str] = frozenset()
    admins_only: bool = False

    def owns(self, username: str, groups: Collection[str], roles: Collection[str]) -> bool:
        if self.admins_only:
            return ADMIN in roles
        return username in self.owner_users or bool(self.owner_groups & set(groups))

    def approves(self, username: str, groups: Collection[str], roles: Collection[str]) -> bool:
        if self.admins_only:
            return ADMIN in roles
        return username in self.approver_users or bool(self.approver_groups & set(groups))

    def to_json(self) -> dict[str, list[str]]:
        if self.admins_only:
            return {"owners": ["role:admin"], "approvers": ["role:admin"]}
        return {"owners": _entries(self.owner_groups, self.owner_users),
                "approvers": _entries(self.approver_groups, self.approver_users)}


@dataclass(frozen=True)
class Stewardship:
    """Every procedure's stewards (the file read once)."""

    default: Stewards = field(default_factory=lambda: Stewards(admins_only=True))
    by_process: dict[str, Stewards] = field(default_factory=dict)

    def of(self, process_id: str) -> Stewards:
        return self.by_process.get(process_id, self.default)

    def looks_after_any(self, username: str, groups: Collection[str], roles: Collection[str]) -> bool:
        """Whether this person owns or approves some procedure (the default's included)."""
        return any(s.owns(username, groups, roles) or s.approves(username, groups, roles)
                   for s in (self.default, *self.by_process.values()))

    @classmethod
    def load(cls, path: Path) -> Stewardship:
        """The file's stewards (administrators only when there is no file)."""
        if not path.exists():
            return cls()
        schema = load_yaml(path, OwnersFileSchema, "the procedures' owners")
        return cls(schema.defaults.stewards() if schema.defaults else cls().default,
                   {pid: s.stewards() for pid, s in schema.processes.items()})


def _entries(groups: frozenset[str], users: frozenset[str]) -> list[str]:
    return sorted(f"group:{g}" for g in groups) + sorted(f"user:{u}" for u in users)


def _split(entries: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    groups = {e.removeprefix("group:") for e in entries if not e.startswith("user:")}
    users = {e.removeprefix("user:") for e in entries if e.startswith("user:")}
    return frozenset(groups), frozenset(users)


class StewardsSchema(Schema):
    UNKNOWN_KEYS = "unknown key(s) {keys} (a procedure has owners and approvers)"
    owners: Annotated[list[Annotated[str, _ENTRY]], list_of("owners"),
                      says("owners is a list of group ids or user:name")] = REQUIRED
    approvers: Annotated[list[Annotated[str, _ENTRY]], list_of("approvers"),
                         says("approvers is a list of group ids or user:name")] = REQUIRED

    @classmethod
    def check_raw(cls, raw: dict[Any, Any]) -> None:
        missing = [key for key in ("owners", "approvers") if not raw.get(key)]
        if missing:
            raise refuse(f"a procedure needs {' and '.join(missing)} (a list of group ids or user:name)")

    def stewards(self) -> Stewards:
        (owner_groups, owner_users), (approver_groups, approver_users) = _split(self.owners), _split(self.approvers)
        return Stewards(owner_groups, owner_users, approver_groups, approver_users)


class OwnersFileSchema(Schema):
    NOT_A_MAPPING = UNKNOWN_KEYS = "expected 'defaults:' and 'processes:' (process id: {owners, approvers})"
    defaults: StewardsSchema | None = None
    # process id -> {owners, approvers}
    processes: dict[Annotated[str, StringConstraints(min_length=1, max_length=200)], StewardsSchema] = Field(
        default_factory=dict)
