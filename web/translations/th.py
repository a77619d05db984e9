"""The Thai translation of every message of the web app: the source of
``web/translations/th/LC_MESSAGES/messages.po`` and ``.mo`` (``python -m web.translations.build``
writes both; a test checks they are up to date and that no message is left untranslated)."""
from __future__ import annotations

TH: dict[str, str | tuple[str, ...]] = {
    "The form has expired. Please go back, reload the page and try again.":
        "แบบฟอร์มหมดอายุ กรุณาย้อนกลับ โหลดหน้าใหม่ แล้วลองอีกครั้ง",
    "This page does not exist.": "ไม่พบหน้านี้",
    "Too many attempts. Please wait a minute and try again.": "พยายามหลายครั้งเกินไป กรุณารอสักครู่แล้วลองใหม่",
    "What you sent is too large.": "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป",
    "Wrong username or password.": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
    "no deadline": "ไม่มีกำหนดเวลา",
    "overdue today": "เกินกำหนดวันนี้",
    "overdue by %(num)d working day": ("เกินกำหนด %(num)d วันทำการ",),
    "due today": "ครบกำหนดวันนี้",
    "%(num)d working day left": ("เหลือ %(num)d วันทำการ",),
    "on time": "ตามกำหนด",
    "due soon": "ใกล้ครบกำหนด",
    "overdue": "เกินกำหนด",
    "Please fill in this field.": "กรุณากรอกช่องนี้",
    "Please enter text.": "กรุณากรอกข้อความ",
    "At most %(limit)s characters.": "ไม่เกิน %(limit)s ตัวอักษร",
    "This is not in the required format.": "รูปแบบไม่ถูกต้อง",
    "Must be at least %(min)s.": "ต้องไม่น้อยกว่า %(min)s",
    "Must be at most %(max)s.": "ต้องไม่เกิน %(max)s",
    "Please enter a whole number.": "กรุณากรอกจำนวนเต็ม",
    "Please enter an amount in baht, e.g. 1500.50.": "กรุณากรอกจำนวนเงินเป็นบาท เช่น 1500.50",
    "An amount has at most 2 decimals (satang).": "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)",
    "Please enter a date.": "กรุณากรอกวันที่",
    "Please enter a date and time.": "กรุณากรอกวันที่และเวลา",
    "Please choose one of the options.": "กรุณาเลือกจากรายการ",
    "The same choice is given twice.": "เลือกรายการเดียวกันซ้ำ",
    "Please tick or untick.": "กรุณาทำเครื่องหมายหรือเอาเครื่องหมายออก",
    "Please choose a person.": "กรุณาเลือกบุคคล",
    "Please choose at least %(min)s people.": "กรุณาเลือกอย่างน้อย %(min)s คน",
    "Please choose at most %(max)s people.": "กรุณาเลือกไม่เกิน %(max)s คน",
    "Only members of the group can be chosen.": "เลือกได้เฉพาะสมาชิกของกลุ่ม",
    "Please attach a file.": "กรุณาแนบไฟล์",
    "This kind of file is not accepted. Attach a PDF, an image, an office document or a text file.":
        "ไม่รับไฟล์ประเภทนี้ กรุณาแนบไฟล์ PDF รูปภาพ เอกสารสำนักงาน หรือไฟล์ข้อความ",
    "The file is empty.": "ไฟล์ว่างเปล่า",
    "The file is too large (at most %(limit)s).": "ไฟล์มีขนาดใหญ่เกินไป (ไม่เกิน %(limit)s)",
    "A file is neither one you uploaded nor one of this case. Please attach it again.":
        "มีไฟล์ที่ไม่ใช่ไฟล์ที่ท่านอัปโหลดและไม่ใช่ไฟล์ของเรื่องนี้ กรุณาแนบไฟล์อีกครั้ง",
    "At most %(max)s files.": "แนบได้ไม่เกิน %(max)s ไฟล์",
    "Please confirm every control point of this step.": "กรุณายืนยันจุดควบคุมทุกข้อของขั้นตอนนี้",
    "Step completed: %(name)s.": "ดำเนินการขั้นตอน “%(name)s” เสร็จแล้ว",
    "Please write a comment: why, and what is to be done.":
        "กรุณาเขียนความเห็น ว่าเพราะเหตุใดและต้องดำเนินการอย่างไร",
    "You cannot take this step (segregation of duties): %(rule)s":
        "ท่านทำขั้นตอนนี้ไม่ได้ (การแบ่งแยกหน้าที่): %(rule)s",
    "You started this case, so you cannot approve it. Another approver must decide.":
        "ท่านเป็นผู้เริ่มเรื่องนี้ จึงอนุมัติเรื่องนี้เองไม่ได้ ต้องให้ผู้มีอำนาจอนุมัติท่านอื่นพิจารณา",
    "You prepared the document of this step, so you cannot approve it. Another approver must decide.":
        "ท่านเป็นผู้จัดทำเอกสารของขั้นตอนนี้ จึงอนุมัติเองไม่ได้ ต้องให้ผู้มีอำนาจอนุมัติท่านอื่นพิจารณา",
    "Approve": "อนุมัติ",
    "Approve and sign": "อนุมัติและลงนาม",
    "Reject": "ไม่อนุมัติ",
    "Return for revision": "ส่งกลับแก้ไข",
    "Comment": "ความเห็น",
    "(required to reject or to return for revision)": "(ต้องระบุเมื่อไม่อนุมัติหรือส่งกลับแก้ไข)",
    "(required to reject)": "(ต้องระบุเมื่อไม่อนุมัติ)",
    "(required to return for revision)": "(ต้องระบุเมื่อส่งกลับแก้ไข)",
    "Returned for revision by %(who)s": "ส่งกลับแก้ไขโดย %(who)s",
    "Not approved by %(who)s": "ไม่อนุมัติโดย %(who)s",
    "at the step “%(step)s”": "ที่ขั้นตอน “%(step)s”",
    "My work": "งานของฉัน",
    "Claimed by me": "งานที่ฉันรับไว้",
    "My groups, unclaimed": "งานของกลุ่ม (ยังไม่มีผู้รับ)",
    "Overdue": "เกินกำหนด",
    "Due today": "ครบกำหนดวันนี้",
    "Completed by me": "งานที่ฉันทำเสร็จแล้ว",
    "Krabuan": "กระบวนการ",
    "Skip to content": "ข้ามไปยังเนื้อหา",
    "Sign out": "ออกจากระบบ",
    "Something is not right": "เกิดข้อผิดพลาด",
    "Back to my work": "กลับไปที่งานของฉัน",
    "Sign in": "เข้าสู่ระบบ",
    "Username": "ชื่อผู้ใช้",
    "Password": "รหัสผ่าน",
    "case": "เรื่อง",
    "Status": "สถานะ",
    "open": "รอดำเนินการ",
    "assignee": "ผู้รับงาน",
    "(unclaimed)": "(ยังไม่มีผู้รับ)",
    "Due": "กำหนดเสร็จ",
    "Standard duration": "ระยะเวลามาตรฐาน",
    "%(n)s working days": "%(n)s วันทำการ",
    "%(n)s minutes": "%(n)s นาที",
    "Started by": "ผู้เริ่มเรื่อง",
    "— choose —": "— เลือก —",
    "baht, up to 2 decimals": "บาท ทศนิยมไม่เกิน 2 ตำแหน่ง",
    "Control points (confirm each)": "จุดควบคุม (ยืนยันทุกข้อ)",
    "Complete this step": "บันทึกและส่งงานขั้นตอนนี้",
    "Earlier steps of this case": "ขั้นตอนก่อนหน้าของเรื่องนี้",
    "Step": "ขั้นตอน",
    "By": "โดย",
    "When": "เมื่อ",
    "Worklist views": "มุมมองรายการงาน",
    "Procedure": "กระบวนงาน",
    "Case": "เรื่อง",
    "Assignee": "ผู้รับงาน",
    "Actions": "การดำเนินการ",
    "completed": "เสร็จแล้ว",
    "Claim": "รับงาน",
    "Hand back": "คืนงานให้กลุ่ม",
    "Next page": "หน้าถัดไป",
    "Nothing here.": "ไม่มีรายการ",
    "Please correct %(num)d item below.": ("กรุณาแก้ไข %(num)d รายการด้านล่าง",),
    "started the case": "เริ่มเรื่อง",
    "the case was completed": "เรื่องเสร็จสิ้น",
    "step opened": "เปิดขั้นตอน",
    "claimed the step": "รับงาน",
    "handed the step back": "คืนงานให้กลุ่ม",
    "completed the step": "ดำเนินการเสร็จ",
    "step cancelled": "ยกเลิกขั้นตอน",
    "step overdue": "ขั้นตอนเกินกำหนด",
    "reminder sent": "ส่งการแจ้งเตือน",
    "deadline changed": "เปลี่ยนกำหนดเวลา",
    "timer set": "ตั้งเวลา",
    "timer moved": "เลื่อนเวลา",
    "timer cancelled": "ยกเลิกเวลา",
    "timer fired": "ถึงเวลาที่ตั้งไว้",
    "version": "ฉบับที่",
    "in progress": "กำลังดำเนินการ",
    "Completed": "เสร็จสิ้น",
    "Diagram": "แผนผังกระบวนงาน",
    "done": "เสร็จแล้ว",
    "waiting": "รอดำเนินการ",
    "The diagram could not be drawn.": "ไม่สามารถแสดงแผนผังได้",
    "Diagram of the procedure, with the state of each step": "แผนผังกระบวนงาน พร้อมสถานะของแต่ละขั้นตอน",
    "Steps": "ขั้นตอน",
    "State": "สถานะ",
    "cancelled": "ยกเลิก",
    "Timeline": "ลำดับเหตุการณ์",
    "the system": "ระบบ",
    "Case data": "ข้อมูลของเรื่อง",
    "Evidence files": "ไฟล์หลักฐาน",
    "File": "ไฟล์",
    "Size": "ขนาด",
    "start of the case": "เริ่มเรื่อง",
    "No files are attached to this case.": "เรื่องนี้ยังไม่มีไฟล์แนบ",
    "Files already attached": "ไฟล์ที่แนบไว้แล้ว",
    "PDF, images, office documents or text files; at most %(size)s each":
        "ไฟล์ PDF รูปภาพ เอกสารสำนักงาน หรือไฟล์ข้อความ ไฟล์ละไม่เกิน %(size)s",
    "Start a new case": "เริ่มเรื่องใหม่",
    "Start": "เริ่ม",
    "Case #%(id)s started.": "เริ่มเรื่อง #%(id)s แล้ว",
    "Main": "เมนูหลัก",
    # Worklist, notifications, settings, starting a case (issue 9).
    "Settings saved.": "บันทึกการตั้งค่าแล้ว",
    "Notifications": "การแจ้งเตือน",
    "%(num)s unread": "ยังไม่ได้อ่าน %(num)s รายการ",
    "Settings": "ตั้งค่า",
    "Mark all as read": "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด",
    "New": "ใหม่",
    "Language": "ภาษา",
    "Show numbers in Thai digits (๑๒๓)": "แสดงตัวเลขเป็นเลขไทย (๑๒๓)",
    "Save": "บันทึก",
    "Give the case a title (the subject or reference people will know it by) and say how urgent it is.":
        "ตั้งชื่อเรื่อง (เรื่องหรือเลขที่อ้างอิงที่ผู้เกี่ยวข้องใช้เรียก) และระบุชั้นความเร็ว",
    "Case title": "ชื่อเรื่อง",
    "Urgency": "ชั้นความเร็ว",
    "All procedures": "ทุกกระบวนงาน",
    "Search": "ค้นหา",
    "Case title, step or case number": "ชื่อเรื่อง ขั้นตอน หรือเลขที่เรื่อง",
    "Filter": "กรอง",
    # Refusals, delegation, drafts, deadlines (issue 9).
    "You may not do this.": "คุณไม่มีสิทธิ์ดำเนินการนี้",
    "Someone else changed this first; nothing was saved.": "มีผู้อื่นดำเนินการก่อนแล้ว จึงยังไม่ได้บันทึกสิ่งใด",
    "This could not be done as asked; nothing was saved.": "ดำเนินการตามที่ขอไม่ได้ จึงยังไม่ได้บันทึกสิ่งใด",
    "Delegated to %(who)s.": "มอบหมายงานให้ %(who)s แล้ว",
    "Draft saved. Only you can see it; it stays until the step is completed.":
        "บันทึกร่างแล้ว เห็นได้เฉพาะคุณ และจะเก็บไว้จนกว่าขั้นตอนนี้จะเสร็จ",
    "Urgency changed.": "เปลี่ยนชั้นความเร็วแล้ว",
    "days": "วัน",
    "working days": "วันทำการ",
    "weeks": "สัปดาห์",
    "months": "เดือน",
    "hours": "ชั่วโมง",
    "minutes": "นาที",
    "%(amount)s %(unit)s before %(what)s (%(when)s)": "%(amount)s %(unit)s ก่อน %(what)s (%(when)s)",
    "%(amount)s %(unit)s after %(what)s (%(when)s)": "%(amount)s %(unit)s หลัง %(what)s (%(when)s)",
    "counted from when the step arrived (%(when)s)": "นับจากวันที่งานเข้าขั้นตอนนี้ (%(when)s)",
    "yes": "ใช่",
    "no": "ไม่ใช่",
    "Save draft": "บันทึกร่าง",
    "Your saved draft is filled in above (only you can see it).": "กรอกข้อมูลจากร่างที่คุณบันทึกไว้ให้แล้ว (เห็นได้เฉพาะคุณ)",
    "Delegate to a colleague": "มอบหมายให้เพื่อนร่วมงาน",
    "Colleague": "เพื่อนร่วมงาน",
    "Reason (kept in the case history)": "เหตุผล (บันทึกไว้ในประวัติการดำเนินงาน)",
    "Delegate": "มอบหมาย",
    "What was entered": "ข้อมูลที่กรอกไว้",
    "delegated the step": "มอบหมายขั้นตอนต่อ",
    "changed the urgency": "เปลี่ยนชั้นความเร็ว",
    "Change urgency": "เปลี่ยนชั้นความเร็ว",
    # The Buddhist-era date fields and their calendar (datepicker.js).
    "dd/mm/yyyy (CE or Buddhist Era)": "วว/ดด/ปปปป (พ.ศ.)",
    "Choose a date": "เลือกวันที่",
    "Previous month": "เดือนก่อนหน้า",
    "Next month": "เดือนถัดไป",
    # Month fields, Bangkok date-times, the limits shown before submitting, cross-field rules.
    "— month —": "— เดือน —",
    "Year": "ปี",
    "month, and the year (CE or Buddhist Era)": "เดือน และปี (พ.ศ.)",
    "Please choose a month and type its year.": "กรุณาเลือกเดือนและกรอกปี",
    "Bangkok time": "เวลาประเทศไทย",
    "Between %(min)s and %(max)s.": "ตั้งแต่ %(min)s ถึง %(max)s",
    # The official registers (web/registers.py, templates/registers.html, register.html).
    "issued a register number": "ออกเลขทะเบียน",
    "Number %(number)s was cancelled.": "ยกเลิกเลข %(number)s แล้ว",
    "Registers": "ทะเบียน",
    "Register": "ทะเบียน",
    "B.E.": "พ.ศ.",
    "fiscal year": "ปีงบประมาณ",
    "calendar year": "ปีปฏิทิน",
    "Year (B.E.)": "ปี (พ.ศ.)",
    "Number, reference, from, to or subject": "เลขทะเบียน ที่ จาก ถึง หรือเรื่อง",
    "Download PDF": "ดาวน์โหลด PDF",
    "Download Excel (XLSX)": "ดาวน์โหลด Excel (XLSX)",
    "Last number issued: %(n)s": "เลขล่าสุดที่ออก: %(n)s",
    "No.": "เลขทะเบียน",
    "Reference (ที่)": "ที่",
    "Dated (ลงวันที่)": "ลงวันที่",
    "From (จาก)": "จาก",
    "To (ถึง)": "ถึง",
    "Subject (เรื่อง)": "เรื่อง",
    "Action (การปฏิบัติ)": "การปฏิบัติ",
    "Remarks (หมายเหตุ)": "หมายเหตุ",
    "Registered on": "ลงทะเบียนวันที่",
    "Cancelled": "ยกเลิก",
    "Corrected": "แก้ไข",
    "No entries.": "ยังไม่มีรายการ",
    "Cancel a number": "ยกเลิกเลขทะเบียน",
    "Number": "เลขทะเบียน",
    "Reason": "เหตุผล",
    "Cancel this number": "ยกเลิกเลขนี้",
    "A cancelled number stays in the register, marked cancelled with its reason; it is never reused.":
        "เลขที่ยกเลิกยังคงอยู่ในทะเบียน โดยระบุว่ายกเลิกพร้อมเหตุผล และจะไม่นำกลับมาใช้ซ้ำ",
    "Numbered per": "นับเลขตาม",
    "Written as": "รูปแบบเลขที่",
    "You do not read any register.": "คุณไม่มีสิทธิ์ดูทะเบียนใด",
    "Type a date such as 15/12/2569.": "กรอกวันที่ เช่น 15/12/2569",
    "%(user)s acts as %(kind)s %(position)s.": "%(user)s %(kind)s %(position)s แล้ว",
    "The acting appointment has ended.": "สิ้นสุดการแต่งตั้งผู้ทำการแทนแล้ว",
    "Your absence is recorded: new tasks go to your deputy meanwhile.":
        "บันทึกการลาแล้ว ระหว่างนี้งานใหม่จะส่งไปยังผู้ปฏิบัติงานแทน",
    "The absence is cancelled.": "ยกเลิกการลาแล้ว",
    "%(n)s task(s) handed over to %(deputy)s.": "ส่งมอบงาน %(n)s งานให้ %(deputy)s แล้ว",
    "%(user)s may now prepare this task on your behalf; only you complete it.":
        "%(user)s เตรียมงานนี้แทนคุณได้แล้ว แต่คุณเท่านั้นที่ดำเนินการให้เสร็จ",
    "My absence": "การลาของฉัน",
    "While you are away, new tasks that would go to you go to your deputy, a colleague of your group.":
        "ระหว่างที่คุณลา งานใหม่ที่จะส่งถึงคุณจะส่งไปยังผู้ปฏิบัติงานแทน ซึ่งเป็นเพื่อนร่วมกลุ่มงาน",
    "From (day/month/Buddhist-era year)": "ตั้งแต่วันที่ (วัน/เดือน/ปี พ.ศ.)",
    "To (inclusive)": "ถึงวันที่ (รวมวันนั้น)",
    "Deputy": "ผู้ปฏิบัติงานแทน",
    "Reason (optional)": "เหตุผล (ไม่บังคับ)",
    "Record my absence": "บันทึกการลา",
    "Period": "ระยะเวลา",
    "upcoming": "ยังไม่เริ่ม",
    "in force": "มีผลอยู่",
    "over": "สิ้นสุดแล้ว",
    "Cancel": "ยกเลิก",
    "Hand my claimed tasks over to my deputy": "ส่งมอบงานที่ฉันรับไว้ให้ผู้ปฏิบัติงานแทน",
    "order": "คำสั่ง",
    "You prepare this task on behalf of %(holder)s: save a draft; only they complete it.":
        "คุณเตรียมงานนี้แทน %(holder)s: บันทึกร่างได้ แต่ %(holder)s เท่านั้นที่ดำเนินการให้เสร็จ",
    "Let a colleague prepare it on my behalf": "ให้เพื่อนร่วมงานเตรียมงานนี้แทนฉัน",
    "Colleague (username)": "เพื่อนร่วมงาน (ชื่อผู้ใช้)",
    "Share for preparation": "ให้เตรียมงานแทน",
    "Acting officials": "ผู้รักษาราชการแทน",
    "During the period, the acting official sees, claims, completes and signs the tasks of the position; "
    "afterwards the rights end on their own.":
        "ระหว่างช่วงเวลาที่แต่งตั้ง ผู้ทำการแทนเห็น รับ ดำเนินการ และลงนามในงานของตำแหน่งนั้นได้ "
        "เมื่อพ้นช่วงเวลา สิทธิ์จะสิ้นสุดเอง",
    "Acting official": "ผู้ทำการแทน",
    "Position": "ตำแหน่ง",
    "Kind": "ประเภท",
    "Order reference": "เลขที่คำสั่ง",
    "Appoint": "แต่งตั้ง",
    "ended": "สิ้นสุดก่อนกำหนด",
    "End now": "สิ้นสุดทันที",
    "No acting appointments yet.": "ยังไม่มีการแต่งตั้งผู้ทำการแทน",
    # Signatures (web/signatures.py, _signatures.html, signature.html, the task page's password)
    "The password is wrong: nothing was signed.": "รหัสผ่านไม่ถูกต้อง ยังไม่ได้ลงนาม",
    "Please enter your password to sign.": "กรุณากรอกรหัสผ่านเพื่อลงนาม",
    "Your password, to sign": "รหัสผ่านของท่าน เพื่อลงนาม",
    "Signing needs the password you sign in with: it opens your own signing key. Returning or rejecting does not sign.":
        "การลงนามต้องใช้รหัสผ่านที่ท่านใช้เข้าสู่ระบบ เพื่อเปิดกุญแจลงนามของท่านเอง การส่งกลับหรือไม่อนุมัติไม่ต้องลงนาม",
    "Sign and complete this step": "ลงนามและส่งงานขั้นตอนนี้",
    "Signatures": "การลงนาม",
    "Verified: the signature is valid and nothing it covers changed since.":
        "ตรวจสอบแล้ว: ลายมือชื่ออิเล็กทรอนิกส์ถูกต้อง และเอกสารไม่ถูกแก้ไขหลังลงนาม",
    "Changed after signing": "เอกสารถูกแก้ไขหลังลงนาม",
    "signed": "ลงนามเมื่อ",
    "Verification page": "หน้าตรวจสอบลายมือชื่อ",
    "Download the signed document (PDF)": "ดาวน์โหลดเอกสารที่ลงนาม (PDF)",
    "Signature": "ลายมือชื่อ",
    "Signature verification": "ตรวจสอบลายมือชื่อ",
    "Signer": "ผู้ลงนาม",
    "Signed": "ลงนามเมื่อ",
    "Public key (Ed25519)": "กุญแจสาธารณะ (Ed25519)",
    "Signed documents": "เอกสารที่ลงนาม",
    "none": "ไม่มี",
    "signed the step": "ลงนามในขั้นตอน",
    "moved the case to a newer version of the procedure": "ย้ายเรื่องไปใช้กระบวนงานฉบับใหม่",
    "The field “%(field)s” changed after signing.": "ข้อมูล “%(field)s” ถูกแก้ไขหลังลงนาม",
    "The attached file %(name)s changed or is missing since signing.": "ไฟล์แนบ %(name)s ถูกแก้ไขหรือหายไปหลังลงนาม",
    "The key is not the signer's (%(who)s), or was not valid when it signed.":
        "กุญแจไม่ใช่ของผู้ลงนาม (%(who)s) หรือไม่มีผลในขณะลงนาม",
    "The record of what was signed was altered.": "บันทึกสิ่งที่ลงนามถูกแก้ไข",
    "The electronic signature does not verify.": "ลายมือชื่ออิเล็กทรอนิกส์ไม่ถูกต้อง",
    # Process owners' editor and approvers' review (web/procedures.py)
    'The change was sent to the approvers.':
        'ส่งการแก้ไขให้ผู้อนุมัติแล้ว',
    'The change was withdrawn; nothing was published.':
        'ยกเลิกการแก้ไขแล้ว ไม่มีการเผยแพร่',
    'Version %(v)s was published.':
        'เผยแพร่ฉบับที่ %(v)s แล้ว',
    'The change was returned to its owners.':
        'ส่งการแก้ไขกลับให้เจ้าของกระบวนงานแล้ว',
    'Procedures':
        'กระบวนงานที่ดูแล',
    'Change':
        'การแก้ไข',
    'Changes between versions':
        'ความเปลี่ยนแปลงระหว่างฉบับ',
    'Change %(id)s of %(process)s':
        'การแก้ไขที่ %(id)s ของ %(process)s',
    'version %(v)s':
        'ฉบับที่ %(v)s',
    'Changes version':
        'แก้ไขจากฉบับที่',
    'Edited by':
        'ผู้แก้ไข',
    'Effective from':
        'มีผลตั้งแต่',
    'Why':
        'เหตุผล',
    'Decided by':
        'ผู้พิจารณา',
    'Changes from version %(a)s to version %(b)s of %(process)s':
        'ความเปลี่ยนแปลงจากฉบับที่ %(a)s เป็นฉบับที่ %(b)s ของ %(process)s',
    'What changes':
        'สิ่งที่เปลี่ยนแปลง',
    'No changes.':
        'ไม่มีการเปลี่ยนแปลง',
    'added':
        'เพิ่ม',
    'changed':
        'แก้ไข',
    'removed':
        'ลบ',
    'Before (version %(v)s)':
        'ก่อนแก้ไข (ฉบับที่ %(v)s)',
    'After':
        'หลังแก้ไข',
    'Approve and publish':
        'อนุมัติและเผยแพร่',
    'It becomes the next version; new cases start on it from the effective date, running cases stay on theirs.':
        'จะเป็นฉบับถัดไป งานใหม่จะเริ่มตามฉบับนี้ตั้งแต่วันที่มีผล ส่วนงานที่กำลังดำเนินการยังคงใช้ฉบับเดิม',
    'Note (optional)':
        'หมายเหตุ (ถ้ามี)',
    'Return to the owners':
        'ส่งกลับให้เจ้าของกระบวนงาน',
    'Return for changes':
        'ส่งกลับแก้ไข',
    'Edit':
        'แก้ไข',
    'Draft saved':
        'บันทึกร่างแล้ว',
    'Saving…':
        'กำลังบันทึก…',
    'Changes not saved yet':
        'ยังไม่ได้บันทึกการแก้ไข',
    'Someone else saved this draft meanwhile. Reload the page to continue from their version.':
        'มีผู้อื่นบันทึกร่างนี้ในระหว่างนี้ โปรดโหลดหน้าใหม่เพื่อแก้ไขต่อจากฉบับของเขา',
    'The draft could not be saved:':
        'บันทึกร่างไม่สำเร็จ:',
    'No problems: the draft can be sent for approval.':
        'ไม่พบปัญหา ส่งร่างให้อนุมัติได้',
    'problem(s) to fix before it can be sent for approval':
        'ปัญหาที่ต้องแก้ก่อนส่งอนุมัติ',
    'warning(s)':
        'ข้อสังเกต',
    'File imported into the draft.':
        'นำเข้าไฟล์เป็นร่างแล้ว',
    'The file could not be opened as BPMN:':
        'เปิดไฟล์เป็น BPMN ไม่ได้:',
    'from version %(v)s':
        'จากฉบับที่ %(v)s',
    'Returned by %(who)s:':
        'ส่งกลับโดย %(who)s:',
    ('The draft saves itself as you work and only the owners of this '
     'procedure see it. Nothing changes for running or new cases until an '
     'approver publishes it.'):
        'ร่างจะบันทึกเองระหว่างที่แก้ไข และมีเพียงเจ้าของกระบวนงานนี้ที่เห็น งานที่กำลังดำเนินการและงานใหม่จะไม่เปลี่ยนจนกว่าผู้อนุมัติจะเผยแพร่',
    'Draft':
        'ร่าง',
    'Validate':
        'ตรวจสอบ',
    'Save now':
        'บันทึกเดี๋ยวนี้',
    'Import .bpmn':
        'นำเข้าไฟล์ .bpmn',
    'Export .bpmn':
        'ส่งออกไฟล์ .bpmn',
    'Forms':
        'แบบฟอร์ม',
    'Form':
        'แบบฟอร์ม',
    'Field name':
        'ชื่อช่อง (ภาษาอังกฤษ)',
    'Type':
        'ชนิดข้อมูล',
    'Label (Thai)':
        'ชื่อที่แสดง (ไทย)',
    'Label (English)':
        'ชื่อที่แสดง (อังกฤษ)',
    'Required':
        'ต้องกรอก',
    'Options: one per line, value | Thai | English':
        'ตัวเลือก: บรรทัดละหนึ่งตัวเลือก ค่า | ไทย | อังกฤษ',
    'Add a field':
        'เพิ่มช่อง',
    'Remove':
        'ลบ',
    'Move up':
        'เลื่อนขึ้น',
    'Move down':
        'เลื่อนลง',
    'Form title (Thai)':
        'ชื่อแบบฟอร์ม (ไทย)',
    'Form title (English)':
        'ชื่อแบบฟอร์ม (อังกฤษ)',
    'Changes to a form are published with this version; running cases keep the form they started with.':
        'การแก้ไขแบบฟอร์มจะเผยแพร่พร้อมฉบับนี้ งานที่กำลังดำเนินการยังใช้แบบฟอร์มเดิม',
    'Problems':
        'ปัญหาที่พบ',
    'Send for approval':
        'ส่งให้อนุมัติ',
    'Effective from (day/month/Buddhist-era year)':
        'มีผลตั้งแต่ (วัน/เดือน/ปี พ.ศ.)',
    'Close':
        'ปิด',
    'Why the procedure changes':
        'เหตุผลของการแก้ไขกระบวนงาน',
    'Withdraw the draft':
        'ยกเลิกร่าง',
    'Procedures I look after':
        'กระบวนงานที่ฉันดูแล',
    ('Owners change a procedure in a draft that only they see; an approver '
     'who did not edit it reads the changes and publishes them as a new '
     'version from its effective date. Cases already running stay on their '
     'version.'):
        ('เจ้าของกระบวนงานแก้ไขในร่างที่เห็นเฉพาะเจ้าของ '
         'ผู้อนุมัติที่ไม่ได้ร่วมแก้ไขจะอ่านความเปลี่ยนแปลงแล้วเผยแพร่เป็นฉบับใหม่ตั้งแต่วันที่มีผล '
         'งานที่กำลังดำเนินการยังคงใช้ฉบับเดิม'),
    'Version':
        'ฉบับที่',
    'My part':
        'บทบาทของฉัน',
    'Open change':
        'การแก้ไขที่ค้างอยู่',
    'changes in v%(v)s':
        'ความเปลี่ยนแปลงในฉบับที่ %(v)s',
    'from':
        'ตั้งแต่',
    'owner':
        'เจ้าของ',
    'approver':
        'ผู้อนุมัติ',
    'effective':
        'มีผล',
    'Returned:':
        'ส่งกลับ:',
    'Review the change':
        'พิจารณาการแก้ไข',
    'See the change':
        'ดูการแก้ไข',
    'Continue the draft':
        'แก้ไขร่างต่อ',
    'You do not own or approve any procedure.':
        'คุณไม่ได้เป็นเจ้าของหรือผู้อนุมัติกระบวนงานใด',
    'Changes':
        'การแก้ไข',
    'Effective':
        'มีผล',
    # Moving waiting cases to a new version (web/templates/migrate.html)
    '%(moved)s of %(asked)s case(s) moved to version %(v)s.':
        'ย้ายแล้ว %(moved)s จาก %(asked)s เรื่อง ไปใช้ฉบับที่ %(v)s',
    'Running cases':
        'เรื่องที่กำลังดำเนินการ',
    'Move waiting cases to version %(v)s':
        'ย้ายเรื่องที่รออยู่ไปใช้ฉบับที่ %(v)s',
    'Move waiting cases':
        'ย้ายเรื่องที่รออยู่',
    'Move waiting cases of %(process)s to version %(v)s':
        'ย้ายเรื่องที่รออยู่ของ %(process)s ไปใช้ฉบับที่ %(v)s',
    ('A case can move when every step it waits in still exists with the same '
     'meaning in the new version. Its claims, deadlines, timers and history '
     'stay as they are, and its history records the move. A case that cannot '
     'move is left as it is.'):
        ('เรื่องจะย้ายได้เมื่อทุกขั้นตอนที่เรื่องรออยู่ยังมีอยู่และมีความหมายเดิมในฉบับใหม่ '
     'ผู้รับงาน กำหนดเสร็จ ตัวจับเวลา และประวัติยังคงเดิม '
     'และประวัติของเรื่องจะบันทึกการย้ายไว้ '
     'เรื่องที่ย้ายไม่ได้จะคงไว้ตามเดิม'),
    'Result':
        'ผลการย้าย',
    'moved from version %(a)s to version %(b)s':
        'ย้ายจากฉบับที่ %(a)s ไปฉบับที่ %(b)s แล้ว',
    'not moved':
        'ไม่ได้ย้าย',
    'Move':
        'ย้าย',
    'Waiting in':
        'รออยู่ที่ขั้นตอน',
    'What changes for it':
        'สิ่งที่เปลี่ยนสำหรับเรื่องนี้',
    'Move case %(id)s':
        'ย้ายเรื่องที่ %(id)s',
    'Cannot move:':
        'ย้ายไม่ได้:',
    'steps added:':
        'ขั้นตอนที่เพิ่ม:',
    'steps removed:':
        'ขั้นตอนที่ลบ:',
    'steps changed:':
        'ขั้นตอนที่แก้ไข:',
    'Move the chosen cases':
        'ย้ายเรื่องที่เลือก',
    'No case is waiting in an older version.':
        'ไม่มีเรื่องที่รออยู่ในฉบับเก่า',
    'A form for a new step (key: procedure.step)':
        'แบบฟอร์มของขั้นตอนใหม่ (รหัส: กระบวนงาน.ขั้นตอน)',
    'Add the form':
        'เพิ่มแบบฟอร์ม',
    # The auditor's search and replay (web/audit.py)
    '%(num)s working days':
        '%(num)s วันทำการ',
    '(Bangkok time)':
        '(เวลากรุงเทพฯ)',
    'Any status':
        'ทุกสถานะ',
    'Audit':
        'ตรวจสอบ',
    'Audit: search cases':
        'ตรวจสอบ: ค้นหาเรื่อง',
    'Case data at this step':
        'ข้อมูลของเรื่อง ณ ขั้นนี้',
    'Case page':
        'หน้าเรื่อง',
    'Control points confirmed':
        'จุดควบคุมที่ยืนยันแล้ว',
    'Diagram of the procedure at the chosen step: what was done, how many times, and what waited':
        'แผนภาพของกระบวนงาน ณ ขั้นที่เลือก: สิ่งที่ทำแล้ว กี่ครั้ง และสิ่งที่รออยู่',
    'Duration':
        'ระยะเวลาที่ใช้',
    'Entered at this step':
        'ข้อมูลที่กรอกในขั้นนี้',
    'Evidence files at this step':
        'ไฟล์หลักฐาน ณ ขั้นนี้',
    'Export these results':
        'ส่งออกผลการค้นหานี้',
    'No case matches.':
        'ไม่พบเรื่องที่ตรงกับเงื่อนไข',
    'No data yet.':
        'ยังไม่มีข้อมูล',
    'Only cases with an overdue step':
        'เฉพาะเรื่องที่มีขั้นตอนเกินกำหนด',
    'Participant (user name)':
        'ผู้เกี่ยวข้อง (ชื่อผู้ใช้)',
    'Read-only, from the case history. Your view is recorded in the system log.':
        'อ่านอย่างเดียว จากประวัติของเรื่อง การเปิดดูของท่านถูกบันทึกในบันทึกของระบบ',
    'Read-only. Every search, page of results, case and export you open is recorded in the system log.':
        'อ่านอย่างเดียว ทุกการค้นหา หน้าผลการค้นหา เรื่อง และการส่งออกที่ท่านเปิด ถูกบันทึกในบันทึกของระบบ',
    'Register number':
        'เลขทะเบียน',
    'Replay':
        'ย้อนดูทีละขั้น',
    'Started from':
        'เริ่มเรื่องตั้งแต่วันที่',
    'Started to':
        'ถึงวันที่',
    'Text in the case data':
        'ข้อความในข้อมูลของเรื่อง',
    'This case has no history.':
        'เรื่องนี้ไม่มีประวัติ',
    'Title':
        'ชื่อเรื่อง',
    'Who':
        'ผู้ดำเนินการ',
    'in their own capacity':
        'ในตำแหน่งของตนเอง',
    'late':
        'ล่าช้า',
    'no standard duration':
        'ไม่มีระยะเวลามาตรฐาน',
    'standard %(num)s working days':
        'มาตรฐาน %(num)s วันทำการ',
    'times':
        'ครั้ง',
    'within the standard':
        'ภายในเวลามาตรฐาน',
    'This search cannot be run.':
        'ค้นหาตามเงื่อนไขนี้ไม่ได้ กรุณาตรวจสอบเงื่อนไข',
    # issue 14: verify badge and page, event logs, audit-trail PDF (web/audit_trail.py)
    'Audit: is the record whole?':
        'ตรวจสอบ: บันทึกครบถ้วนหรือไม่',
    ("Every case's history is recomputed with the server key and compared with its "
     'rows and with the newest signed checkpoint kept outside the database (the same '
     'check as krabuan audit verify).'):
        ('คำนวณห่วงโซ่ประวัติของทุกเรื่องใหม่ด้วยกุญแจของเซิร์ฟเวอร์ '
         'แล้วเทียบกับข้อมูลในระบบและจุดตรวจสอบที่ลงนามล่าสุดซึ่งเก็บไว้นอกฐานข้อมูล '
         '(เป็นการตรวจเดียวกับ krabuan audit verify)'),
    'Verification result':
        'ผลการตรวจสอบ',
    'The record is whole':
        'บันทึกครบถ้วน',
    'Problems found':
        'ปัญหาที่พบ',
    'Cases checked':
        'จำนวนเรื่องที่ตรวจ',
    'events':
        'รายการ',
    'Last signed checkpoint':
        'จุดตรวจสอบที่ลงนามล่าสุด',
    'cases':
        'เรื่อง',
    'none yet: deleted cases and restored copies cannot be seen until one is written':
        'ยังไม่มี: จะตรวจพบเรื่องที่ถูกลบหรือการนำสำเนาเก่ามาคืนได้เมื่อมีจุดตรวจสอบแล้ว',
    'What':
        'ลักษณะ',
    'First bad event':
        'รายการแรกที่ผิด',
    'missing (deleted)':
        'หายไป (ถูกลบ)',
    'cut (events missing)':
        'ถูกตัด (รายการหายไป)',
    'rewritten':
        'ถูกแก้ไข',
    'Audit: event logs':
        'ตรวจสอบ: บันทึกเหตุการณ์',
    ("The history of a procedure's cases for process-mining tools: XES (IEEE 1849) and"
     ' OCEL 2.0 (JSON, with documents and committee members as objects). Only cases '
     'started in the period are included.'):
        ('ประวัติของเรื่องในกระบวนงานสำหรับเครื่องมือวิเคราะห์กระบวนการ (process mining): '
         'XES (IEEE 1849) และ OCEL 2.0 (JSON โดยเอกสารและกรรมการเป็นวัตถุ) '
         'เฉพาะเรื่องที่เริ่มในช่วงเวลาที่กำหนด'),
    'dd/mm/yyyy (CE or Buddhist Era); empty: no limit':
        'วว/ดด/ปปปป (ค.ศ. หรือ พ.ศ.) เว้นว่าง: ไม่จำกัด',
    'Set the period':
        'กำหนดช่วงเวลา',
    'Download':
        'ดาวน์โหลด',
    'Reading the log':
        'กำลังอ่านบันทึก',
    'Saved':
        'บันทึกแล้ว',
    'The export failed':
        'ส่งออกไม่สำเร็จ',
    'Record':
        'บันทึก',
    'The record does not verify':
        'บันทึกไม่ผ่านการตรวจสอบ',
    'event':
        'รายการที่',
    'Audit trail (PDF)':
        'ประวัติการดำเนินงาน (PDF)',
    'Verify':
        'ตรวจความครบถ้วน',
    'Event logs':
        'บันทึกเหตุการณ์',
    # The auditors' reports (web/reports.py)
    '(the %(n)s most overdue are listed)':
        '(แสดง %(n)s รายการที่เกินกำหนดนานที่สุด)',
    'All lanes':
        'ทุกสายงาน',
    'Chart':
        'แผนภูมิ',
    ('Choose a report and its filters. Auditors and administrators read the reports; '
     'every number is also in the CSV and XLSX downloads.'):
        'เลือกรายงานและตัวกรอง ผู้ตรวจสอบและผู้ดูแลระบบอ่านรายงานได้ ทุกตัวเลขดาวน์โหลดเป็น CSV และ XLSX ได้ด้วย',
    ('Colour follows likelihood × impact: 1–4 low, 5–9 medium, 10–14 high, 15–25 very '
     'high; the level printed in the SOP is in the risk register.'):
        ('สีตามโอกาส × ผลกระทบ: 1–4 ต่ำ 5–9 ปานกลาง 10–14 สูง 15–25 สูงมาก '
         'ระดับตามที่พิมพ์ในคู่มือ SOP อยู่ในทะเบียนความเสี่ยง'),
    'Control points confirmed (%)':
        'ยืนยันจุดควบคุมครบ (%)',
    'Controls and segregation of duties':
        'การควบคุมและการแบ่งแยกหน้าที่',
    'Download this report':
        'ดาวน์โหลดรายงานนี้',
    'Filters of this report':
        'ตัวกรองของรายงานนี้',
    'From':
        'ตั้งแต่วันที่',
    'Impact':
        'ผลกระทบ',
    'Lane (unit)':
        'สายงาน (หน่วยงาน)',
    'Likelihood':
        'โอกาส',
    'Likelihood (rows, 5 = almost certain) × impact (columns, 5 = most severe): the number of risks in each cell':
        'โอกาส (แถว 5 = เกิดขึ้นแน่นอน) × ผลกระทบ (คอลัมน์ 5 = รุนแรงที่สุด): จำนวนความเสี่ยงในแต่ละช่อง',
    'No segregation-of-duties violation (%(n)s rules checked)':
        'ไม่พบการฝ่าฝืนการแบ่งแยกหน้าที่ (ตรวจ %(n)s กฎ)',
    'Nothing to report.':
        'ไม่มีรายการ',
    'On time':
        'ความตรงเวลา',
    'On time (%)':
        'ตรงเวลา (%)',
    'Overdue now':
        'งานเกินกำหนดขณะนี้',
    'Overdue steps':
        'ขั้นตอนที่เกินกำหนด',
    'Overdue steps now: %(n)s':
        'ขั้นตอนที่เกินกำหนดขณะนี้: %(n)s',
    'Ran late (%)':
        'ล่าช้า (%)',
    'Reports':
        'รายงาน',
    'Risk register':
        'ทะเบียนความเสี่ยง',
    'Segregation-of-duties violations found: %(n)s (must be zero)':
        'พบการฝ่าฝืนการแบ่งแยกหน้าที่ %(n)s รายการ (ต้องเป็นศูนย์)',
    'Show the report':
        'แสดงรายงาน',
    'To':
        'ถึงวันที่',
    'the table beside it has the same numbers':
        'ตารางข้างแผนภูมิมีตัวเลขเดียวกัน',
    'timers recalculated after a holiday change':
        'คำนวณเวลาแจ้งเตือนใหม่หลังเปลี่ยนวันหยุด',
    'Viewed by auditors (system log)':
        'ผู้ตรวจสอบที่เปิดดูเรื่องนี้ (บันทึกของระบบ)',
    'opened the case page':
        'เปิดหน้าเรื่อง',
    'replayed the case':
        'ย้อนดูเรื่องทีละขั้น',
    'listed in search results':
        'พบในผลการค้นหา',
    'in an exported search':
        'อยู่ในผลการค้นหาที่ส่งออก',
    'listed in a report':
        'ปรากฏในรายงาน',
    'in an exported event log (XES/OCEL)':
        'อยู่ในบันทึกเหตุการณ์ที่ส่งออก (XES/OCEL)',
    'printed the audit trail (PDF)':
        'พิมพ์ประวัติการดำเนินงาน (PDF)',
    'No auditor has viewed this case.':
        'ยังไม่มีผู้ตรวจสอบเปิดดูเรื่องนี้',
    'The scheduler verifies every case every %(num)s hours, and whenever an auditor asks.':
        'ระบบตรวจสอบทุกเรื่องโดยอัตโนมัติทุก %(num)s ชั่วโมง และทุกครั้งที่ผู้ตรวจสอบขอ',
    'The scheduler verifies every case whenever an auditor asks.':
        'ระบบตรวจสอบทุกเรื่องเมื่อผู้ตรวจสอบขอ',
    'Not verified yet':
        'ยังไม่เคยตรวจสอบทั้งระบบ',
    'The last verification did not finish':
        'การตรวจสอบครั้งล่าสุดไม่เสร็จ',
    'Verified':
        'ตรวจสอบเมื่อ',
    'took %(num)s seconds':
        'ใช้เวลา %(num)s วินาที',
    'asked for by %(name)s':
        'ตามคำขอของ %(name)s',
    'by the clock':
        'ตามรอบเวลาอัตโนมัติ',
    'A verification is running since %(when)s.':
        'กำลังตรวจสอบทั้งระบบ เริ่มเมื่อ %(when)s',
    'A verification was asked for at %(when)s and waits for the scheduler.':
        'มีคำขอตรวจสอบทั้งระบบเมื่อ %(when)s รอตัวจัดเวลาของระบบดำเนินการ',
    'Reload this page to see its result.':
        'โหลดหน้านี้ใหม่เพื่อดูผล',
    'Verify every case now':
        'ตรวจสอบทุกเรื่องเดี๋ยวนี้',
    'A verification of every case is already running; its result will show here.':
        'กำลังตรวจสอบทุกเรื่องอยู่แล้ว ผลจะแสดงที่หน้านี้',
    'Every case will be verified in the background; the result will show here.':
        'ระบบจะตรวจสอบทุกเรื่องเบื้องหลัง ผลจะแสดงที่หน้านี้',
    'on the web':
        'ทางเว็บ',
    'with the krabuan command':
        'ด้วยคำสั่ง krabuan',
    'through the API':
        'ผ่าน API',
}
