"""The XML gate: UTF-8 is the only encoding, decided once before any scan, so no encoding smuggles a
DOCTYPE or an entity past it; the parser forbids DTDs as a second line; XInclude is refused.
Each payload is refused with a one-line DeployError that says what to do (issue 10, section 2)."""
from __future__ import annotations

import codecs

import pytest

from engine.errors import DeployError
from engine.model.xmlguard import parse_model_bytes

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:t">
  <bpmn:process id="tiny" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:userTask id="t" name="ลงรับหนังสือ"/><bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>
"""
BODY = MODEL.split("?>", 1)[1]
EVIL = ('<!DOCTYPE d [<!ENTITY x "ENTITY-TEXT">]>'
        + BODY.replace('name="ลงรับหนังสือ"', 'name="&x;"'))
LIMIT = 5_000_000


def _refused(data: bytes, says: str) -> None:
    with pytest.raises(DeployError) as refused:
        parse_model_bytes(data, "model.bpmn", LIMIT)
    message = refused.value.message
    assert says in message and "\n" not in message, message


def test_utf8_with_or_without_a_byte_order_mark_is_read():
    for data in (MODEL.encode(), codecs.BOM_UTF8 + MODEL.encode(), BODY.encode()):
        root = parse_model_bytes(data, "model.bpmn", LIMIT)
        assert root.find(".//{*}userTask").get("name") == "ลงรับหนังสือ"
    ascii_only = '<?xml version="1.0" encoding="ASCII"?>' + BODY.replace("ลงรับหนังสือ", "Register")
    assert parse_model_bytes(ascii_only.encode(), "model.bpmn", LIMIT).find(".//{*}userTask").get("name") == "Register"


@pytest.mark.parametrize("encoding,mark", [
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", b""), ("utf-32-be", b""), ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
])
def test_utf16_and_utf32_are_refused_with_or_without_their_mark(encoding, mark):
    for text in (EVIL, '<?xml version="1.0" encoding="UTF-16"?>' + EVIL, MODEL):
        data = mark + text.encode(encoding)
        with pytest.raises(DeployError) as refused:
            parse_model_bytes(data, "model.bpmn", LIMIT)
        assert "only UTF-8 is accepted" in refused.value.message and "UTF-8" in refused.value.message


@pytest.mark.parametrize("declared,data", [
    ("UTF-7", ('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE d +AFs-+ADw-!ENTITY x +ACI-y+ACI-+AD4-+AF0-+AD4-'
               + BODY).encode()),
    ("IBM037", '<?xml version="1.0" encoding="IBM037"?>'.encode() + EVIL.encode("cp037")),
    ("EBCDIC-CP-US", '<?xml version="1.0" encoding="ebcdic-cp-us"?><d/>'.encode()),
    ("ISO-8859-1", ('<?xml version="1.0" encoding="ISO-8859-1"?>' + BODY.replace("ลงรับหนังสือ", "x")).encode()),
    ("TIS-620", '<?xml version="1.0" encoding="TIS-620"?>'.encode() + BODY.encode("tis-620")),
    ("UTF-16", ('<?xml version="1.0" encoding="UTF-16"?>' + BODY).encode()),
    ("US-ASCII with Thai in it", ('<?xml version=\'1.0\' encoding=\'us-ascii\'?>' + BODY).encode()),
])
def test_a_declared_encoding_other_than_utf8_is_refused(declared, data):
    if declared in ("IBM037", "TIS-620"):  # not UTF-8 bytes at all: refused as such, before the declaration
        _refused(data, "save the file as UTF-8")
    else:
        _refused(data, "only UTF-8 is accepted")


@pytest.mark.parametrize("name,data,says", [
    ("internal entity", EVIL.encode(), "DOCTYPE declarations are not allowed"),
    ("external DTD", ('<?xml version="1.0"?><!DOCTYPE bpmn:definitions SYSTEM "file:///etc/passwd">' + BODY).encode(),
     "DOCTYPE declarations are not allowed"),
    ("public DTD over the network", ('<!DOCTYPE d PUBLIC "-//X//Y" "http://127.0.0.1:9/x.dtd">' + BODY).encode(),
     "DOCTYPE declarations are not allowed"),
    ("parameter entity", b'<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]><d/>',
     "DOCTYPE declarations are not allowed"),
    ("entity without a doctype", b'<!ENTITY x "y"><d/>', "ENTITY declarations are not allowed"),
    ("doctype in lower case with spaces", b'<!   doctype d><d/>', "DOCTYPE declarations are not allowed"),
    ("doctype after a BOM", codecs.BOM_UTF8 + EVIL.encode(), "DOCTYPE declarations are not allowed"),
    ("XInclude", BODY.replace('<bpmn:endEvent id="e"/>',
                              '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
                              'parse="text"/><bpmn:endEvent id="e"/>').encode(), "XInclude is not allowed"),
    ("XInclude fallback", BODY.replace('<bpmn:endEvent id="e"/>',
                                       '<x:fallback xmlns:x="http://www.w3.org/2001/XInclude"/><bpmn:endEvent id="e"/>'
                                       ).encode(), "XInclude is not allowed"),
    ("a NUL byte in UTF-8", MODEL.encode().replace(b"tiny", b"ti\x00ny"), "NUL bytes"),
    ("overlong UTF-8 for '<'", b"\xc0\xbc!DOCTYPE d><d/>", "not valid UTF-8"),
    ("lone surrogate bytes", MODEL.encode().replace("ลง".encode(), b"\xed\xa0\x80"), "not valid UTF-8"),
    ("Latin-1 bytes, no declaration", BODY.replace("ลงรับหนังสือ", "caf\u00e9").encode("latin-1"), "not valid UTF-8"),
])
def test_hostile_files_are_refused(name, data, says):
    _refused(data, says)


def test_nothing_reaches_the_parser_over_the_size_limit():
    with pytest.raises(DeployError, match="larger than the 100-byte limit"):
        parse_model_bytes(MODEL.encode(), "model.bpmn", 100)


def test_through_deploy_on_each_database(k):
    """The UTF-16 payload that once carried an entity into a task name is refused at deploy, and
    nothing is stored."""
    before = [(v.process_id, v.version) for v in k.repository.versions()]
    with pytest.raises(DeployError, match="only UTF-8 is accepted"):
        k.repository.deploy_bytes(EVIL.encode("utf-16-le"), "evil.bpmn")
    with pytest.raises(DeployError, match="DOCTYPE declarations are not allowed"):
        k.repository.deploy_bytes(codecs.BOM_UTF8 + EVIL.encode(), "evil.bpmn")
    assert [(v.process_id, v.version) for v in k.repository.versions()] == before
    deployed = k.repository.deploy_bytes(codecs.BOM_UTF8 + MODEL.encode(), "tiny.bpmn")
    assert [d.process_id for d in deployed] == ["tiny"]
