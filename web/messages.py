"""The engine's problems with a submitted form, in the user's language (the engine names each
problem by a stable code with its parameters; its English message is the fallback). A form's
cross-field rule (code ``rule``) brings its own message in Thai and English."""
from __future__ import annotations

from typing import Any

from flask_babel import get_locale
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
    "not_month": _l("Please choose a month and type its year."),
    "not_option": _l("Please choose one of the options."),
    "duplicate": _l("The same choice is given twice."),
    "not_bool": _l("Please tick or untick."),
    "not_user": _l("Please choose a person."),
    "too_few": _l("Please choose at least %(min)s people."),
    "too_many": _l("Please choose at most %(max)s people."),
    "not_member": _l("Only members of the group can be chosen."),
    "not_file": _l("Please attach a file."),
    "file_type": _l("This kind of file is not accepted. Attach a PDF, an image, an office document or a text file."),
    "file_empty": _l("The file is empty."),
    "file_too_large": _l("The file is too large (at most %(limit)s)."),
    "unknown_file": _l("A file is neither one you uploaded nor one of this case. Please attach it again."),
    "too_many_files": _l("At most %(max)s files."),
    "control_unconfirmed": _l("Please confirm every control point of this step."),
    "comment_required": _l("Please write a comment: why, and what is to be done."),
    "wrong_password": _l("The password is wrong: nothing was signed."),
    "password_required": _l("Please enter your password to sign."),
}

# Why the engine refused an approval (segregation of duties), by the refusal's ``reason``.
REFUSALS = {
    "started_case": _l("You started this case, so you cannot approve it. Another approver must decide."),
    "prepared_document": _l("You prepared the document of this step, so you cannot approve it. "
                            "Another approver must decide."),
}


def problem_text(problem: dict[str, Any]) -> str:
    params = problem.get("params") or {}
    if problem.get("code") in ("rule", "segregation") and isinstance(params, dict):  # the rule's own words
        words = str(params.get("th" if _thai() else "en") or problem.get("message", ""))
        return f"{params['person']}: {words}" if params.get("person") else words  # who is to be taken off the list
    text = PROBLEMS.get(problem.get("code") or "")
    if text is None:
        return str(problem.get("message", ""))
    try:
        return str(text) % dict(problem.get("params", {}))
    except (KeyError, TypeError, ValueError):
        return str(text)


def _thai() -> bool:
    return str(get_locale() or "th").startswith("th")


def refusal_of(details: dict[str, Any]) -> str | None:
    """A segregation-of-duties refusal (a Forbidden's details) in the user's language: a rule the
    process declares brings its own Thai and English (None: not such a refusal)."""
    if details.get("reason") == "segregation":
        return str(_l("You cannot take this step (segregation of duties): %(rule)s",
                      rule=details.get("th" if _thai() else "en") or details.get("rule", "")))
    if details.get("reason") == "signed_number":  # R-SIG-02: the engine's own words, Thai and English
        return str(details.get("th" if _thai() else "en") or "")
    return refusal_text(details.get("reason"))


def refusal_text(reason: str | None) -> str | None:
    """A segregation-of-duties refusal in the user's language (None: not such a refusal)."""
    text = REFUSALS.get(reason or "")
    return str(text) if text is not None else None
