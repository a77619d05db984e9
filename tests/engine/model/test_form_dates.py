"""Dates, months and date-times as Thai officials type them: a year from 2400 on is Buddhist era and is
stored CE (ISO); a month is its own type, stored YYYY-MM; a date-time without an offset is Bangkok time."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.model.forms import FormRegistry

FORM = """
forms:
  - key: when
    title: {th: เมื่อไร, en: When}
    fields:
      - {name: d, type: date, label: {th: วันที่, en: Day}}
      - {name: t, type: datetime, label: {th: เวลา, en: Time}}
      - {name: m, type: month, label: {th: เดือน, en: Month}}
"""


@pytest.fixture
def form(tmp_path):
    (tmp_path / "f.yaml").write_text(FORM, encoding="utf-8")
    return FormRegistry.load(tmp_path).get("when")


@pytest.mark.parametrize(("typed", "stored"), [
    ("2569-12-21", "2026-12-21"),  # the review's case: stored as typed before
    (" 2026-12-21 ", "2026-12-21"),
    ("2567-02-29", "2024-02-29"),  # 2567 BE is 2024, a leap year (2567 itself is not)
    ("2400-01-01", "1857-01-01"),  # the first year read as Buddhist era
    ("2399-12-31", "2399-12-31"),  # the last year read as CE
])
def test_a_buddhist_era_date_is_stored_in_ce(form, typed, stored):
    assert form.validate({"d": typed}) == {"d": stored}


@pytest.mark.parametrize("typed", ["2568-02-29", "2026-02-29", "21/12/2569", "2569-13-01", "25691221", "2569-1-1", 7])
def test_what_is_not_a_date_is_refused(form, typed):
    with pytest.raises(InvalidInput, match="is not a date") as refused:
        form.validate({"d": typed})
    assert refused.value.details["problems"][0]["code"] == "not_date"


@pytest.mark.parametrize(("typed", "stored"), [
    ("2026-12-08T09:30", "2026-12-08T02:30:00+00:00"),  # no offset: Bangkok time
    ("2026-12-08 09:30:00", "2026-12-08T02:30:00+00:00"),
    ("2569-12-08T09:30", "2026-12-08T02:30:00+00:00"),  # a Buddhist-era year too
    ("2026-12-08T09:30:00+07:00", "2026-12-08T02:30:00+00:00"),
    ("2026-12-08T09:30:00Z", "2026-12-08T09:30:00+00:00"),  # an offset given is kept
    ("2026-12-08", "2026-12-07T17:00:00+00:00"),  # a day alone: its midnight in Bangkok
])
def test_a_date_time_without_an_offset_is_bangkok_time(form, typed, stored):
    assert form.validate({"t": typed}) == {"t": stored}


@pytest.mark.parametrize("typed", ["2568-02-29T09:00", "tomorrow", "2026-12-08T25:00"])
def test_what_is_not_a_date_time_is_refused(form, typed):
    with pytest.raises(InvalidInput, match="not an ISO 8601 date and time"):
        form.validate({"t": typed})


@pytest.mark.parametrize(("typed", "stored"), [
    ("2569-12", "2026-12"), ("12/2569", "2026-12"), ("2026-12", "2026-12"), ("12/2026", "2026-12"),
    ("1/2570", "2027-01"), ("2570-1", "2027-01"), (" 01 / 2570 ", "2027-01"),
])
def test_a_month_is_stored_as_yyyy_mm_in_ce(form, typed, stored):
    assert form.validate({"m": typed}) == {"m": stored}


@pytest.mark.parametrize("typed", ["2569-13", "0/2569", "ธันวาคม 2569", "2569-12-01", "12/69", 202612, "/2569"])
def test_what_is_not_a_month_is_refused(form, typed):
    with pytest.raises(InvalidInput, match="is not a month") as refused:
        form.validate({"m": typed})
    assert refused.value.details["problems"][0]["code"] == "not_month"


def test_a_month_field_in_the_forms_json(form):
    field = form.to_json()["fields"][2]
    assert field["type"] == "month" and field["pattern"] is None and field["max_length"] is None
