"""The scheduler process (``krabuan scheduler``): an APScheduler ticker that claims due timer
rows from the database and fires them through the engine. It arrives with the time issue
(#4); until then no process fires timers, and BPMN timers wait for it.
"""
