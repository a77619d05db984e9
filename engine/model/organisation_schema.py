"""The organisation file format (``processes/organisation.yaml``, see engine.model.organisation) as
pydantic models.

``load_organisation_file`` reads the file, or raises a ConfigurationError naming the file, the
group or user (index) and the broken rule, e.g. ``organisation.yaml: users[3]: unknown group(s) clerk``.
Keys the format does not use are ignored.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from ..errors import ConfigurationError
from ..time.file_schema import REQUIRED, Schema, first_problem, list_of, refuse, says
from .organisation import ROLES, Organisation, OrgGroup, OrgPosition, OrgUser

# libyaml when present (ten times faster than the pure-Python parser), same safe semantics.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ID = r"^[a-z][a-z0-9_.\-]{0,99}$"
GROUP_RULE = "a group needs an id of lower-case letters, digits, _ . -"
USER_RULE = "a user needs a username of lower-case letters, digits, _ . -"
ORGANISATION_RULE = "an organisation is {id: ..., name: {th: ..., en: ...}, supervisor: group id}"
POSITION_RULE = "a position is {id: ..., title: {th: ..., en: ...}, groups: [group ids], holder: username}"


class Lenient(Schema):
    """A mapping whose keys the format does not use are ignored."""

    model_config = ConfigDict(extra="ignore")
    UNKNOWN_KEYS = None


class NameSchema(Lenient):
    th: str = REQUIRED
    en: str = REQUIRED


Name = Annotated[NameSchema, says("name is {th: ..., en: ...}")]


class OrganisationSchema(Lenient):
    NOT_A_MAPPING = ORGANISATION_RULE

    id: Annotated[str, says(ORGANISATION_RULE)] = REQUIRED
    supervisor: Annotated[str | None, says(ORGANISATION_RULE)] = None  # of its groups, unless they name their own


class GroupSchema(Lenient):
    NOT_A_MAPPING = GROUP_RULE

    id: Annotated[str, StringConstraints(pattern=_ID), says(GROUP_RULE)] = REQUIRED
    organisation: Annotated[str, BeforeValidator(lambda org: org or ""), says("unknown organisation {input}")] = ""
    name: Name = REQUIRED
    supervisor: Annotated[str | None, says("supervisor is a group id")] = None

    def supervisor_in(self, organisations: dict[str, OrganisationSchema]) -> str | None:
        """Its own supervisor if it names one (even none), else its organisation's; never itself."""
        if "supervisor" in self.model_fields_set:
            found = self.supervisor
        else:
            found = organisations[self.organisation].supervisor if self.organisation in organisations else None
        return None if found == self.id else found  # the head's own lane has nobody above it

    def group(self, organisations: dict[str, OrganisationSchema]) -> OrgGroup:
        return OrgGroup(self.id, self.name.th, self.name.en, self.organisation, self.supervisor_in(organisations))


class UserSchema(Lenient):
    NOT_A_MAPPING = USER_RULE

    username: Annotated[str, StringConstraints(pattern=_ID), says(USER_RULE)] = REQUIRED
    name: Name = REQUIRED
    groups: Annotated[list[str], BeforeValidator(lambda groups: groups or []),
                      says("groups is a list of group ids")] = Field(default_factory=list)
    roles: Annotated[list[Literal["admin", "auditor"]], BeforeValidator(lambda roles: roles or []),
                     says(f"roles is a list of: {', '.join(ROLES)}")] = Field(default_factory=list)

    def user(self) -> OrgUser:
        return OrgUser(self.username, self.name.th, self.name.en, tuple(self.groups), tuple(self.roles))


class PositionSchema(Lenient):
    NOT_A_MAPPING = POSITION_RULE

    id: Annotated[str, StringConstraints(pattern=_ID), says(POSITION_RULE)] = REQUIRED
    title: Annotated[NameSchema, says("title is {th: ..., en: ...}")] = REQUIRED
    groups: Annotated[list[str], BeforeValidator(lambda groups: groups or []),
                      says("groups is a list of group ids")] = Field(default_factory=list)
    holder: Annotated[str | None, says("holder is a username")] = None

    def position(self) -> OrgPosition:
        return OrgPosition(self.id, self.title.th, self.title.en, tuple(self.groups), self.holder)


class OrganisationFileSchema(Lenient):
    """The whole file: each entry checked alone, then against the others."""

    NOT_A_MAPPING = "expected a mapping with 'groups' and 'users'"

    organisations: Annotated[list[OrganisationSchema], list_of("organisations")] = Field(default_factory=list)
    groups: Annotated[list[GroupSchema], list_of("groups")] = Field(default_factory=list)
    users: Annotated[list[UserSchema], list_of("users")] = Field(default_factory=list)
    positions: Annotated[list[PositionSchema], list_of("positions")] = Field(default_factory=list)

    def by_id(self) -> dict[str, OrganisationSchema]:
        return {o.id: o for o in self.organisations}

    @model_validator(mode="after")
    def _references(self) -> OrganisationFileSchema:
        organisations = self.by_id()
        for i, g in enumerate(self.groups):
            if organisations and g.organisation and g.organisation not in organisations:
                raise refuse(f"groups[{i}]: unknown organisation {g.organisation!r}")
        group_ids = [g.id for g in self.groups]
        if len(set(group_ids)) != len(group_ids):
            raise refuse("a group id is listed twice")
        for i, g in enumerate(self.groups):
            supervisor = g.supervisor_in(organisations)
            if supervisor is not None and supervisor not in group_ids:
                raise refuse(f"groups[{i}] ({g.id}): unknown supervisor group {supervisor!r}")
        for i, u in enumerate(self.users):
            missing = sorted(set(u.groups) - set(group_ids))
            if missing:
                raise refuse(f"users[{i}]: unknown group(s) {', '.join(missing)}")
        usernames = [u.username for u in self.users]
        if len(set(usernames)) != len(usernames):
            raise refuse("a username is listed twice")
        self._positions(set(group_ids), set(usernames))
        return self

    def _positions(self, group_ids: set[str], usernames: set[str]) -> None:
        if len({p.id for p in self.positions}) != len(self.positions):
            raise refuse("a position id is listed twice")
        for i, p in enumerate(self.positions):
            missing = sorted(set(p.groups) - group_ids)
            if missing or not p.groups:
                raise refuse(f"positions[{i}] ({p.id}): " + (f"unknown group(s) {', '.join(missing)}" if missing
                                                               else "a position holds the tasks of at least one group"))
            if p.holder is not None and p.holder not in usernames:
                raise refuse(f"positions[{i}] ({p.id}): unknown holder {p.holder!r}")


def load_organisation_file(path: Path) -> Organisation:
    """The groups and users of the file, checked; a ConfigurationError names the first problem and its place."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read organisation file: {exc}") from exc
    try:
        schema = OrganisationFileSchema.model_validate(raw)
    except ValidationError as exc:
        problem = first_problem(exc)
        at = problem.loc
        place = f"{path}: {at[0]}[{at[1]}]" if len(at) >= 2 and isinstance(at[1], int) else str(path)
        raise ConfigurationError(f"{place}: {problem.message}") from None
    organisations = schema.by_id()
    return Organisation(groups=tuple(g.group(organisations) for g in schema.groups),
                        users=tuple(u.user() for u in schema.users),
                        positions=tuple(p.position() for p in schema.positions))
