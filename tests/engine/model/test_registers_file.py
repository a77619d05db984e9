"""processes/registers.yaml: the registers as data, checked when read (a problem names the place)."""
from __future__ import annotations

from datetime import date

import pytest

from engine.errors import ConfigurationError, InvalidInput
from engine.model.registers import Registers
from engine.model.secrecy import secrecy_of
from engine.settings import PROJECT_ROOT


def test_the_project_declares_the_six_registers_and_their_issuing_steps():
    registers = Registers.load(PROJECT_ROOT / "processes" / "registers.yaml")
    assert [r.kind for r in registers.registers] == ["received", "sent", "circular", "order", "announcement", "memo"]
    (sent, issuer), = registers.issued_at("send-letter", "issue_number")
    assert sent.id == "sent" and issuer.store_as == "letter_number"
    (received, _), = registers.issued_at("receive-letter", "distribute_copies")
    assert received.id == "received"
    assert registers.issued_at("send-letter", "dispatch_letter") == []


def test_references_and_periods():
    registers = Registers.load(PROJECT_ROOT / "processes" / "registers.yaml")
    sent, circular, order, memo = (registers.get(i) for i in ("sent", "circular", "order", "memo"))
    assert sent.format(123, 2569) == "สธ 0701/123"  # R-COR-03
    assert circular.format(7, 2569) == "สธ 0701/ว 7"
    first_order_day = date(2026, 1, 2)
    assert order.format(1, order.period_of(first_order_day)) == "1/2569"  # R-COR-04
    assert sent.period_of(date(2026, 12, 31)) == 2569 and sent.period_of(date(2027, 1, 1)) == 2570
    assert memo.period_of(date(2026, 9, 30)) == 2569 and memo.period_of(date(2026, 10, 1)) == 2570  # fiscal


def test_a_missing_file_means_no_registers(tmp_path):
    assert Registers.load(tmp_path / "registers.yaml").registers == ()


@pytest.mark.parametrize("text,message", [
    ("registers: [{id: sent, name: {th: ส่ง, en: Sent}, kind: letter, reference: '{n}'}]", "kind is one of"),
    ("registers: [{id: sent, name: {th: ส่ง, en: Sent}, kind: sent, reference: 'no number'}]", "with {n}"),
    ("registers: [{id: sent, name: {th: ส่ง, en: Sent}, kind: sent, reference: '{n}', readers: {clerk: top}}]",
     "highest secrecy level"),
    ("registers: [{id: sent, name: {th: ส่ง, en: Sent}, kind: sent, reference: '{n}', colour: red}]", "colour"),
    ("registers: [{id: sent, name: {th: ส่ง, en: Sent}, kind: sent, reference: '{n}', issued_by: "
     "[{process: p, step: s, store_as: n, fields: {weight: w}}]}]", "unknown column(s) weight"),
    ("registers: [{id: a, name: {th: ก, en: A}, kind: sent, reference: '{n}'}, "
     "{id: a, name: {th: ข, en: B}, kind: memo, reference: '{n}'}]", "used twice"),
])
def test_a_broken_file_is_refused_naming_the_problem(tmp_path, text, message):
    path = tmp_path / "registers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Registers.load(path)


def test_secrecy_levels():
    assert [secrecy_of(v).rank for v in (None, "", "normal", "ลับ", "very_secret", "ลับที่สุด")] == [0, 0, 0, 1, 2, 3]
    with pytest.raises(InvalidInput):
        secrecy_of("top secret")


def test_every_issuing_step_has_a_form_and_every_mapped_field_is_on_a_form_of_its_process():
    from engine.model.forms import FormRegistry

    forms = FormRegistry.load(PROJECT_ROOT / "forms")
    registers = Registers.load(PROJECT_ROOT / "processes" / "registers.yaml")
    for register in registers.registers:
        for issuer in register.issued_by:
            own = forms.get(f"{issuer.process_id}.{issuer.step_id}")
            assert own is not None, (register.id, issuer)
            names = {f.name for key in forms.keys() if key.startswith(issuer.process_id + ".")
                     for f in forms.get(key).fields}
            assert set(issuer.fields.values()) <= names, (register.id, set(issuer.fields.values()) - names)
            assert issuer.store_as not in names  # the number is Krabuan's, never typed on a form
