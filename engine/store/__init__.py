"""The store: the tables and all SQL.

SQLAlchemy Core only: the tables are ``Table`` objects (``Instance.c.version``), every
operation runs its statements on the one ``Connection`` of its unit of work, and rows come
back as rows that the store turns into Krabuan's dataclasses. There is no ORM: no identity map
to keep in step, no unit-of-work flush, and no command pays about 0.1 s to import it.
"""
