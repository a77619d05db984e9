"""The expressions of a model file, vetted at deploy: the text of every element SpiffWorkflow
evaluates (gateway and loop conditions, timer values, multi-instance counts) must be a Krabuan
expression (Python syntax, engine.model.expressions).

Models from other tools carry other languages: JUEL (``${approved}``, Camunda 7), FEEL
(``= approved``, Camunda 8 and DMN), XPath (the BPMN default language, often declared on the
element or the file). They are refused with one line naming the language and the element,
never evaluated as Python (where ``true`` would read as an unknown name). A timer value written
as a bare ISO 8601 literal (``P7D``, ``R6/P1D``, ``2027-01-04T08:30``), as modelers write it, is
read as that literal: the compiled spec gets it quoted (the stored file keeps the original text).
"""
from __future__ import annotations

import re

from lxml import etree

from ..errors import DeployError, ExpressionError
from .expressions import compile_expression
from .xmlguard import local_name

# Elements whose text SpiffWorkflow evaluates as an expression.
EXPRESSION_TAGS = ("conditionExpression", "timeDuration", "timeDate", "timeCycle", "loopCardinality",
                   "completionCondition", "condition", "loopCondition")
TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
_WHAT = {"conditionExpression": "condition", "condition": "condition", "loopCondition": "loop condition",
         "completionCondition": "completion condition", "loopCardinality": "number of instances",
         "timeDuration": "timer duration", "timeDate": "timer date", "timeCycle": "timer cycle"}
# Known expression languages by a word of their URI (the BPMN default, XPath, included).
_LANGUAGES = (("xpath", "XPath"), ("feel", "FEEL"), ("juel", "JUEL"), ("groovy", "Groovy"),
              ("javascript", "JavaScript"), ("ecmascript", "JavaScript"), ("xhtml", "XHTML"), ("java", "Java"))
_JUEL = re.compile(r"^[$#]\{.*\}$", re.DOTALL)
_DURATION = r"P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?"
_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO_LITERAL = re.compile(rf"^(?:{_DURATION}|{_DATE}|R\d*/(?:{_DURATION}|{_DATE})(?:/(?:{_DURATION}|{_DATE}))?)$")
_FLOW_OWNERS = ("sequenceFlow", "startEvent", "intermediateCatchEvent", "boundaryEvent", "userTask", "task",
                "manualTask", "subProcess", "callActivity", "eventBasedGateway", "process")


def what(tag: str) -> str:
    """How a message names the expression of an element kind ("the loop condition")."""
    return _WHAT.get(tag, tag)


def expression_owner(el: etree._Element) -> str | None:
    """The id of the flow element an expression belongs to (the sequence flow of a condition,
    the event of a timer, the task of a loop), for naming it in messages."""
    node = el.getparent()
    while node is not None:
        if local_name(node.tag) in _FLOW_OWNERS and node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    own = el.get("id")
    return str(own) if own else None


def vet_expression(el: etree._Element, root: etree._Element, source: str) -> None:
    """Refuse an expression element Krabuan cannot evaluate; quote a bare ISO 8601 timer literal."""
    text = (el.text or "").strip()
    tag = local_name(el.tag)
    if tag in TIMER_TAGS and _ISO_LITERAL.match(text):
        el.text = f'"{text}"'
        return
    language = foreign_language(el, root, text)
    if language is not None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise DeployError(f"expression language not supported: {language} {shown!r} in the {what(tag)}; Krabuan "
                          "reads Python-style expressions over the form fields (e.g. approved == True)",
                          file=source, element=expression_owner(el))
    try:
        compile_expression(text)
    except ExpressionError as exc:
        raise DeployError(f"the {what(tag)} {text[:60]!r}: {exc.message}", file=source,
                          element=expression_owner(el)) from None


def foreign_language(el: etree._Element, root: etree._Element, text: str) -> str | None:
    """The name of the language an expression is written in when it is not Krabuan's, else None.

    JUEL and FEEL are known by their text; a language declared on the element itself always
    counts; one declared for the whole file (``expressionLanguage``, set by many modelers
    whatever the expressions are) counts only when the text is not a valid expression."""
    if _JUEL.match(text):
        return "JUEL"
    if text.startswith("="):
        return "FEEL"
    declared = _language_name(el.get("language"))
    if declared is not None:
        return declared
    try:
        compile_expression(text)
    except ExpressionError:
        return _language_name(root.get("expressionLanguage"))
    return None


def _language_name(uri: str | None) -> str | None:
    if not uri or "python" in uri.lower():
        return None
    lowered = uri.lower()
    for word, name in _LANGUAGES:
        if word in lowered:
            return name
    return uri
