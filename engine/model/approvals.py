"""Approval and signature steps: which field of their form holds the decision, which holds the
comment, and what a submission decided. Pure functions of a step's metadata and form; the rules
that act on a decision (a comment for a return or a rejection, segregation of duties) are in
engine.services.rules.

A step is an approval when its ``krabuan:step kind`` is ``approval`` or ``signature``. Its
decision is the select field of its form that offers ``approve``; the other options say what
else the approver may do (``return`` for revision, ``reject``). Its comment is a textarea of the
same form (one named like a comment or note if there are several).

Cryptographic signatures and acting officials (ผู้รักษาราชการแทน) come with issue 12; they are
meant to hang off ``Decision`` (see ``Decision.on_behalf_of``), not off the form data.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .definitions import StepModel
from .forms import FieldDefinition, FormDefinition

APPROVAL_KINDS = frozenset({"approval", "signature"})
APPROVE, RETURN, REJECT = "approve", "return", "reject"
# Words a comment field's name carries, in the order they are preferred.
_COMMENT_WORDS = ("comment", "note", "reason", "remark", "suggestion")


def is_approval(step: StepModel | None) -> bool:
    """An approval or signature step."""
    return step is not None and step.meta.kind in APPROVAL_KINDS


def decision_field(form: FormDefinition | None) -> FieldDefinition | None:
    """The form's decision: its (first) select field with an ``approve`` option."""
    for f in form.fields if form is not None else ():
        if f.type == "select" and any(o.value == APPROVE for o in f.options):
            return f
    return None


def comment_field(form: FormDefinition | None) -> FieldDefinition | None:
    """The form's comment: a textarea, preferably one named like a comment or note."""
    areas = [f for f in (form.fields if form is not None else ()) if f.type == "textarea"]
    for word in _COMMENT_WORDS:
        for f in areas:
            if word in f.name:
                return f
    return areas[0] if areas else None


@dataclass(frozen=True)
class Decision:
    """What an approver decided on an approval or signature step."""

    field: str  # the decision field's name
    value: str  # approve | return | reject (or another option of the field)
    comment: str  # stripped; "" when none was given
    comment_field: str | None  # where the form takes the comment (None: the completion's comment)
    # Reserved for issue 12 (acting officials): the official this approver signs for. Not set yet.
    on_behalf_of: str | None = None

    @property
    def approves(self) -> bool:
        return self.value == APPROVE

    @property
    def where_comment_goes(self) -> str:
        """The field a missing comment is reported on."""
        return self.comment_field or "comment"


def decision_of(step: StepModel | None, form: FormDefinition | None, data: Mapping[str, Any],
                comment: str = "") -> Decision | None:
    """The decision in a step's (cleaned) data, with its comment (the completion's ``comment``,
    else the form's comment field); None for a step that is not an approval, a form without a
    decision field, or a decision left out (or not one of the field's options)."""
    if not is_approval(step):
        return None
    field = decision_field(form)
    value = data.get(field.name) if field is not None else None
    if field is None or not isinstance(value, str) or value not in {o.value for o in field.options}:
        return None
    where = comment_field(form)
    text = comment.strip()
    if not text and where is not None and isinstance(data.get(where.name), str):
        text = data[where.name].strip()
    return Decision(field=field.name, value=value, comment=text,
                    comment_field=where.name if where is not None else None)
