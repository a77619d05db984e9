"""Thai for the model checks' findings (``engine.model.lint``, deploy errors): what a process
owner reads next to the element in the browser. The English message stays as written; each
pattern here gives its Thai, with the names it quotes. A message no pattern knows reads as a
Thai lead-in with the English detail, never as nothing."""
from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^element cannot be reached from the start event$", "ไม่มีเส้นทางจากจุดเริ่มต้นมาถึงองค์ประกอบนี้"),
    (r"^task is not in a lane$", "ขั้นตอนนี้ไม่อยู่ในบทบาท (lane) ใด จึงไม่มีผู้รับผิดชอบ"),
    (r"^element has no incoming sequence flow \(disconnected\)$",
     "องค์ประกอบนี้ไม่มีเส้นลำดับงานเข้ามา (ไม่ได้เชื่อมต่อกับกระบวนการ)"),
    (r"^element has no outgoing sequence flow \(dead end\)$",
     "องค์ประกอบนี้ไม่มีเส้นลำดับงานออกไป (งานจะหยุดค้างที่นี่)"),
    (r"^outgoing flow\(s\) (?P<x>.+) need a condition or must be the default$",
     "เส้นทางออก {x} ต้องมีเงื่อนไข หรือเป็นเส้นทางปกติ (default)"),
    (r"^exclusive gateway has no default flow",
     "ทางแยกนี้ไม่มีเส้นทางปกติ (default) กรณีที่ข้อมูลไม่ตรงเงื่อนไขใดเลย งานจะหยุดค้างที่นี่"),
    (r"^use a bpmn:userTask for a person's step, not bpmn:(?P<x>\w+)$",
     "ขั้นตอนที่คนทำต้องเป็นงานของผู้ใช้ (userTask) ไม่ใช่ {x}"),
    (r"^user task has no form", "ขั้นตอนนี้ยังไม่มีแบบฟอร์ม"),
    (r"^user task has no standard duration", "ขั้นตอนนี้ยังไม่มีระยะเวลามาตรฐาน (นาที หรือวันทำการ)"),
    (r"^(the )?condition reads '(?P<x>[^']+)', which no form of this process sets",
     "เงื่อนไขอ่านค่า {x} ซึ่งไม่มีแบบฟอร์มใดของกระบวนการนี้บันทึก"),
    (r"^the (?P<what>.+) reads '(?P<x>[^']+)', which no form of this process sets",
     "ค่า {x} ที่อ่านใน {what} ไม่มีแบบฟอร์มใดของกระบวนการนี้บันทึก"),
    (r"^the deadline counts from '(?P<x>[^']+)'", "กำหนดเสร็จนับจาก {x} ซึ่งไม่มีแบบฟอร์มหรือขั้นตอนใดกำหนดค่า"),
    (r"^form '(?P<x>[^']+)' does not exist", "ไม่มีแบบฟอร์ม {x}"),
    (r"^start form '(?P<x>[^']+)' does not exist", "ไม่มีแบบฟอร์มเริ่มต้น {x}"),
    (r"^lane is declared idle but has task\(s\): (?P<x>.+)$", "บทบาทนี้ประกาศว่าไม่มีงาน แต่มีขั้นตอน {x}"),
    (r"^lane has no task", "บทบาทนี้ไม่มีขั้นตอนใดเลย: มอบขั้นตอนให้ หรือระบุเหตุผลที่บทบาทนี้ไม่มีงาน"),
    (r"^the step is due after the deadline of (?P<x>\S+),",
     "ขั้นตอนนี้ครบกำหนดหลังกำหนดเสร็จของ {x} ซึ่งเป็นขั้นตอนที่ตามมา"),
    (r"not executable|isExecutable", "แบบจำลองนี้ไม่ได้กำหนดให้ทำงานได้ (isExecutable) เปิดดูได้แต่เผยแพร่ไม่ได้"),
    (r"expression language", "ใช้ภาษานิพจน์ที่ระบบไม่รองรับ"),
)
_COMPILED = tuple((re.compile(p), th) for p, th in _PATTERNS)
LEAD = "ตรวจพบปัญหาของแบบจำลอง"


def thai(message: str) -> str:
    """The Thai of one finding's English message."""
    for pattern, th in _COMPILED:
        found = pattern.search(message)
        if found:
            return th.format(**{k: v or "" for k, v in found.groupdict().items()})
    return f"{LEAD}: {message}"
