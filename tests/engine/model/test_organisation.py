"""The organisation file: groups, users and supervisors, with errors naming the place."""
from __future__ import annotations

import pytest

from engine.errors import ConfigurationError
from engine.model.organisation import load_organisation


def _organisation(tmp_path, text):
    path = tmp_path / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    return load_organisation(path)



ORG = """organisations:
  - {id: o1, supervisor: boss, name: {th: ก, en: O}}
groups:
  - {id: boss, organisation: o1, name: {th: ก, en: Boss}}
  - {id: clerk, organisation: o1, name: {th: ข, en: Clerk}}
  - {id: free, name: {th: ค, en: Free}, supervisor: null}
users:
  - {username: u1, name: {th: ก, en: U}, groups: [clerk]}
"""



def test_organisation_file_supervisors_come_from_the_group_or_its_organisation(tmp_path):
    org = _organisation(tmp_path, ORG)
    assert [(g.id, g.organisation, g.supervisor) for g in org.groups] == [
        ("boss", "o1", None), ("clerk", "o1", "boss"), ("free", "", None)]
    assert org.users[0].groups == ("clerk",)



@pytest.mark.parametrize("old, new, message", [
    ("{id: clerk, organisation: o1,", "{id: Clerk, organisation: o1,",
     "groups[1]: a group needs an id of lower-case letters, digits, _ . -"),
    ("organisation: o1, name: {th: ข, en: Clerk}}", "organisation: o2, name: {th: ข, en: Clerk}}",
     "groups[1]: unknown organisation 'o2'"),
    ("name: {th: ข, en: Clerk}", "name: Clerk", "groups[1]: name is {th: ..., en: ...}"),
    ("supervisor: null", "supervisor: nobody", "groups[2] (free): unknown supervisor group 'nobody'"),
    ("groups: [clerk]", "groups: [clerk, cook]", "users[0]: unknown group(s) cook"),
    ("groups: [clerk]", "groups: clerk", "users[0]: groups is a list of group ids"),
    ("{id: free,", "{id: boss,", "a group id is listed twice"),
    ("{id: o1, supervisor: boss,", "{id: o1, supervisor: 5,",
     "organisations[0]: an organisation is {id: ..., name: {th: ..., en: ...}, supervisor: group id}"),
])
def test_organisation_file_errors_name_the_place(tmp_path, old, new, message):
    assert old in ORG
    with pytest.raises(ConfigurationError) as info:
        _organisation(tmp_path, ORG.replace(old, new))
    assert info.value.message == f"{tmp_path / 'organisation.yaml'}: {message}"

