"""The state-only serializer: the spec is stored once per version, each case stores only its state,
and a state written by another format is refused clearly instead of being misread."""
from __future__ import annotations

import json

import pytest

from sqlalchemy import select

from engine.errors import ConfigurationError
from engine.spiff.serializer import ENVELOPE_KEY
from engine.store.tables import Instance


def _stored(k, instance_id):
    with k.ctx.db.unit_of_work(write=False) as conn:
        row = conn.execute(select(Instance).where(Instance.c.id == instance_id)).one()
        return k.ctx.definition(conn, row.definition_id), row.state_json


def test_a_case_stores_its_state_without_the_spec(k):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    definition, state = _stored(k, instance_id)
    stored = json.loads(state)
    assert stored[ENVELOPE_KEY] == 1
    assert "spec" not in stored and "subprocess_specs" not in stored
    assert len(state) < len(definition.spec_json)
    restored = k.ctx.runtime.restore(definition.id, definition.spec_json, state)
    assert json.loads(restored.to_json()) == stored
    assert [t.element_id for t in restored.ready_tasks()] == ["register_application"]


@pytest.mark.parametrize("change", [{ENVELOPE_KEY: 99}, {"serializer_version": "0.1"}])
def test_a_state_of_another_format_is_refused(k, change):
    instance_id = k.cases.start("sop_bench", "clerk1").instance_id
    definition, state = _stored(k, instance_id)
    other = json.dumps({**json.loads(state), **change})
    with pytest.raises(ConfigurationError, match="format"):
        k.ctx.runtime.restore(definition.id, definition.spec_json, other)
