"""People: the organisation (users, groups, memberships) loaded from its file, and listed."""
from __future__ import annotations

from pathlib import Path

from ..context import Context
from ..model.organisation import load_organisation
from ..results import UserView
from ..store import people


class People:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def load_organisation(self, path: Path | None = None) -> int:
        """Make the database match the organisation file; returns how many users it lists."""
        organisation = load_organisation(path or self.ctx.settings.organisation_file)
        with self.ctx.db.unit_of_work() as conn:
            people.sync_organisation(conn, organisation)
        return len(organisation.users)

    def users(self) -> list[UserView]:
        with self.ctx.db.unit_of_work(write=False) as conn:
            return people.list_users(conn)
