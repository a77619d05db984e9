"""Alembic environment. Run through ``engine.schema.upgrade`` (``krabuan init``), which
passes an open connection in ``config.attributes['connection']``."""
from alembic import context

from engine.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # plain `alembic` command line with sqlalchemy.url set
    from sqlalchemy import create_engine

    connectable = create_engine(config.get_main_option("sqlalchemy.url"))
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
