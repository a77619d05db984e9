"""The expressions of a model file at deploy (engine.model.model_expressions): other tools'
languages named, bare ISO 8601 timer literals read as literals, anything else vetted as a Krabuan
expression, each refusal naming the flow element the expression belongs to."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.errors import DeployError
from engine.model.model_expressions import foreign_language, vet_expression

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _expression(tag: str, text: str, language: str | None = None, file_language: str | None = None):
    """(root, expression element): a sequence flow's condition or a timer event's value."""
    lang = f' language="{language}"' if language else ""
    file_lang = f' expressionLanguage="{file_language}"' if file_language else ""
    timer = tag != "conditionExpression"
    owner = ("intermediateCatchEvent", "<timerEventDefinition>") if timer else ("sequenceFlow", "")
    close = "</timerEventDefinition>" if timer else ""
    root = etree.fromstring(
        f'<definitions xmlns="{BPMN}"{file_lang}><process id="p"><{owner[0]} id="owner">{owner[1]}'
        f'<{tag}{lang}>{text}</{tag}>{close}</{owner[0]}></process></definitions>')
    return root, next(root.iter(f"{{{BPMN}}}{tag}"))


@pytest.mark.parametrize("text, language, file_language, expected", [
    ("${approved}", None, None, "JUEL"),
    ("#{a > 1}", None, None, "JUEL"),
    ("= approved", None, None, "FEEL"),
    ("true", "http://www.w3.org/1999/XPath", None, "XPath"),  # valid Python, but declared XPath
    ("approved == True", None, "http://www.w3.org/1999/XPath", None),  # a file-wide default does not count
    ("Service Level == 'Premium'", None, "http://www.w3.org/1999/XPath", "XPath"),
    ("x > 1", "http://www.python.org/", None, None),
    ("a = 1", None, None, None),  # not another language: a syntax error, reported as such
    ("amount > 1000", "urn:some:lang", None, "urn:some:lang"),
])
def test_the_language_of_an_expression(text, language, file_language, expected):
    root, el = _expression("conditionExpression", text, language, file_language)
    assert foreign_language(el, root, text) == expected


@pytest.mark.parametrize("tag, literal", [
    ("timeDuration", "P7D"), ("timeDuration", "PT1H30M"), ("timeDuration", "PT0.5S"), ("timeCycle", "R6/P1D"),
    ("timeCycle", "R/PT10M"), ("timeCycle", "R3/2027-01-04T08:30:00+07:00/P1W"), ("timeDate", "2027-01-04"),
    ("timeDate", "2027-01-04T08:30"), ("timeDate", "2027-01-04T08:30:00Z"),
])
def test_a_bare_iso_timer_literal_is_quoted_for_the_engine(tag, literal):
    root, el = _expression(tag, literal)
    vet_expression(el, root, "m.bpmn")
    assert el.text == f'"{literal}"'


@pytest.mark.parametrize("tag, text", [("timeDuration", '"P7D"'), ("timeDate", "at(meeting_date, '08:30')"),
                                       ("timeDuration", "P7Days"), ("conditionExpression", "P7D")])
def test_anything_else_is_left_as_written(tag, text):
    root, el = _expression(tag, text)
    vet_expression(el, root, "m.bpmn")
    assert el.text == text


@pytest.mark.parametrize("tag, text, message", [
    ("conditionExpression", "${!approved}", "file m.bpmn, element owner: expression language not supported: JUEL "
     "'${!approved}' in the condition; Krabuan reads Python-style expressions over the form fields (e.g. approved "
     "== True)"),
    ("timeDuration", "= duration", "file m.bpmn, element owner: expression language not supported: FEEL "
     "'= duration' in the timer duration; Krabuan reads Python-style expressions over the form fields (e.g. "
     "approved == True)"),
    ("conditionExpression", "a = 1", "file m.bpmn, element owner: the condition 'a = 1': not a valid expression: "
     "SyntaxError: invalid syntax (<unknown>, line 1)"),
    ("timeDuration", "__import__('os')", "file m.bpmn, element owner: the timer duration \"__import__('os')\": "
     "name '__import__' is not allowed (leading underscore)"),
])
def test_refusals_name_the_flow_element_and_the_expression(tag, text, message):
    root, el = _expression(tag, text)
    with pytest.raises(DeployError) as caught:
        vet_expression(el, root, "m.bpmn")
    assert caught.value.message == message
