"""People: users, groups and memberships in the database (the organisation file is read by
engine.model.organisation)."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..model.organisation import Organisation
from ..results import UserView
from .tables import Group, Membership, User


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
        user = session.get(User, u.username)
        if user is None:
            session.add(User(username=u.username, name_th=u.name_th, name_en=u.name_en, active=True))
        else:
            user.name_th, user.name_en, user.active = u.name_th, u.name_en, True
    session.flush()
    session.connection().execute(delete(Membership).where(Membership.username.in_(listed)))
    session.add_all(Membership(username=u.username, group_id=g) for u in org.users for g in u.groups)
    session.connection().execute(update(User).where(User.username.not_in(listed)).values(active=False))


_USER_GROUPS = (select(User.active, Membership.group_id)
                .select_from(User).outerjoin(Membership, Membership.username == User.username)
                .where(User.username == bindparam("username")))


def user_groups(session: Session, username: str) -> set[str]:
    """The groups of an active user; NotFound for an unknown or inactive user."""
    rows = session.connection().execute(_USER_GROUPS, {"username": username}).all()
    if not rows or not rows[0].active:
        raise NotFound(f"user {username!r} does not exist or is not active")
    return {r.group_id for r in rows if r.group_id is not None}


def group_members(session: Session, group_id: str) -> set[str]:
    """Active users of a group."""
    return set(session.connection().scalars(select(Membership.username).join(User, User.username == Membership.username)
                               .where(Membership.group_id == group_id, User.active.is_(True))))


def list_users(session: Session) -> list[UserView]:
    members: dict[str, list[str]] = {}
    for username, group_id in session.connection().execute(select(Membership.username, Membership.group_id)
                                              .order_by(Membership.group_id)):
        members.setdefault(username, []).append(group_id)
    return [UserView(u.username, u.name_th, u.name_en, tuple(members.get(u.username, ())), u.active)
            for u in session.scalars(select(User).order_by(User.username))]


def supervisors_of(session: Session, group_ids: list[str] | tuple[str, ...]) -> set[str]:
    """Active members of the supervisor groups of the given groups."""
    if not group_ids:
        return set()
    sup = select(Group.supervisor).where(Group.id.in_(list(group_ids)), Group.supervisor.is_not(None))
    return set(session.connection().scalars(select(Membership.username).join(User, User.username == Membership.username)
                               .where(Membership.group_id.in_(sup), User.active.is_(True))))
