"""The engine's problems with a submitted form, in the user's language (the engine names each
problem by a stable code with its parameters; its English message is the fallback)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

PROBLEMS = {
    "required": _l("Please fill in this field."),
    "not_text": _l("Please enter text."),
    "too_long": _l("At most %(limit)s characters."),
    "pattern": _l("This is not in the required format."),
    "too_small": _l("Must be at least %(min)s."),
    "too_big": _l("Must be at most %(max)s."),
    "not_integer": _l("Please enter a whole number."),
    "not_money": _l("Please enter an amount in baht, e.g. 1500.50."),
    "decimals": _l("An amount has at most 2 decimals (satang)."),
    "not_date": _l("Please enter a date."),
    "not_datetime": _l("Please enter a date and time."),
    "not_option": _l("Please choose one of the options."),
    "duplicate": _l("The same choice is given twice."),
    "not_bool": _l("Please tick or untick."),
    "not_user": _l("Please choose a person."),
    "too_few": _l("Please choose at least %(min)s people."),
    "too_many": _l("Please choose at most %(max)s people."),
    "not_member": _l("Only members of the group can be chosen."),
    "not_file": _l("Please attach a file."),
    "control_unconfirmed": _l("Please confirm every control point of this step."),
}


def problem_text(problem: dict[str, Any]) -> str:
    text = PROBLEMS.get(problem.get("code") or "")
    if text is None:
        return str(problem.get("message", ""))
    try:
        return str(text) % dict(problem.get("params", {}))
    except (KeyError, TypeError, ValueError):
        return str(text)
