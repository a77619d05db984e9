"""The store: the tables and all SQL.

Statements are written with the ORM entities (typed columns, no table aliases) but run on
the session's connection (``session.connection().execute(...)``), as Core: through
``Session.execute`` an UPDATE or INSERT naming an entity becomes ORM bulk DML, which evaluates
each UPDATE's criteria against the identity map and builds inserts object by object — it made a
case step about 1.7 times slower. ``session.add``/``session.get`` are kept for the few rare
writes (deploy, organisation sync, holiday changes) where objects are natural.
"""
