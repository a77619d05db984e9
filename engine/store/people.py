"""People: users, groups and memberships in the database (the organisation file is read by
engine.model.organisation)."""
from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from ..errors import NotFound
from ..model.organisation import Organisation
from ..results import UserView
from . import acting
from .tables import Group, Membership, User


def sync_organisation(conn: Connection, org: Organisation) -> None:
    """Make the database match the file (inside the caller's unit of work): groups and users
    inserted or updated, memberships replaced, users no longer listed deactivated."""
    known_groups = set(conn.scalars(select(Group.c.id)))
    for g in org.groups:
        group = dict(name_th=g.name_th, name_en=g.name_en, organisation=g.organisation, supervisor=g.supervisor)
        if g.id in known_groups:
            conn.execute(update(Group).where(Group.c.id == g.id).values(**group))
        else:
            conn.execute(insert(Group).values(id=g.id, **group))
    listed = {u.username for u in org.users}
    known_users = set(conn.scalars(select(User.c.username)))
    for u in org.users:
        user: dict[str, object] = dict(name_th=u.name_th, name_en=u.name_en, active=True, roles=" ".join(u.roles))
        if u.username in known_users:
            conn.execute(update(User).where(User.c.username == u.username).values(**user))
        else:
            conn.execute(insert(User).values(username=u.username, **user))
    conn.execute(delete(Membership).where(Membership.c.username.in_(listed)))
    memberships = [dict(username=u.username, group_id=g) for u in org.users for g in u.groups]
    if memberships:
        conn.execute(insert(Membership), memberships)
    conn.execute(update(User).where(User.c.username.not_in(listed)).values(active=False))
    acting.sync_positions(conn, org.positions)


_USER_GROUPS = (select(User.c.active, Membership.c.group_id)
                .select_from(User).outerjoin(Membership, Membership.c.username == User.c.username)
                .where(User.c.username == bindparam("username")))


def user_groups(conn: Connection, username: str) -> set[str]:
    """The groups of an active user; NotFound for an unknown or inactive user."""
    rows = conn.execute(_USER_GROUPS, {"username": username}).all()
    if not rows or not rows[0].active:
        raise NotFound(f"user {username!r} does not exist or is not active")
    return {r.group_id for r in rows if r.group_id is not None}


def group_members(conn: Connection, group_id: str) -> set[str]:
    """Active users of a group."""
    return set(conn.scalars(select(Membership.c.username).join(User, User.c.username == Membership.c.username)
                               .where(Membership.c.group_id == group_id, User.c.active.is_(True))))


def staffed_groups(conn: Connection) -> set[str]:
    """The groups that have at least one active member (whose tasks someone can claim)."""
    return set(conn.scalars(select(Membership.c.group_id).join(User, User.c.username == Membership.c.username)
                               .where(User.c.active.is_(True)).distinct()))


def list_users(conn: Connection) -> list[UserView]:
    members: dict[str, list[str]] = {}
    for username, group_id in conn.execute(select(Membership.c.username, Membership.c.group_id)
                                              .order_by(Membership.c.group_id)):
        members.setdefault(username, []).append(group_id)
    return [UserView(u.username, u.name_th, u.name_en, tuple(members.get(u.username, ())), u.active)
            for u in conn.execute(select(User).order_by(User.c.username))]


def supervisors_of(conn: Connection, group_ids: list[str] | tuple[str, ...]) -> set[str]:
    """Active members of the supervisor groups of the given groups."""
    if not group_ids:
        return set()
    sup = select(Group.c.supervisor).where(Group.c.id.in_(list(group_ids)), Group.c.supervisor.is_not(None))
    return set(conn.scalars(select(Membership.c.username).join(User, User.c.username == Membership.c.username)
                               .where(Membership.c.group_id.in_(sup), User.c.active.is_(True))))
