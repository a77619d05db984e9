/* Krabuan: a calendar next to each date field of a task's form (inputs marked data-be-date).
   Progressive enhancement: without this script the field is a text box that takes 15/12/2569.
   Thai pages show Thai month names and Buddhist-era years and fill d/m/BBBB; English pages show
   English names and CE years and fill d/m/YYYY (the server reads both, web/dates.py).
   Keyboard: arrows move a day or a week, PageUp/PageDown a month (with Shift a year), Home/End
   the start or end of the week, Enter or Space picks, Escape closes and returns to the button.
   The button's and the calendar's labels come translated from the page (data-picker-*). */
(function () {
  "use strict";

  var BE = 543;
  var FIRST_CE_YEAR = 1900;
  var TH_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  var EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var LANGS = {
    th: {
      days: ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"],
      dayNames: ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"],
      heading: function (y, m) { return TH_MONTHS[m] + " พ.ศ. " + (y + BE); },
      full: function (d) { return d.getDate() + " " + TH_MONTHS[d.getMonth()] + " " + (d.getFullYear() + BE); },
      typed: function (d) { return d.getDate() + "/" + (d.getMonth() + 1) + "/" + (d.getFullYear() + BE); }
    },
    en: {
      days: ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"],
      dayNames: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
      heading: function (y, m) { return EN_MONTHS[m] + " " + y; },
      full: function (d) { return d.getDate() + " " + EN_MONTHS[d.getMonth()] + " " + d.getFullYear(); },
      typed: function (d) { return d.getDate() + "/" + (d.getMonth() + 1) + "/" + d.getFullYear(); }
    }
  };

  /* What a person typed, as web/dates.py reads it: d/m/y (separators / - .), ddmmyyyy or ISO;
     a year from 2400 on is Buddhist era. Null when it is not a date. */
  function parse(text) {
    var t = String(text || "").trim().replace(/[๐-๙]/g, function (c) {
      return String(c.charCodeAt(0) - 0x0E50);
    });
    var m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/.exec(t) || /^(\d{2})(\d{2})(\d{4})$/.exec(t);
    var y, mo, d;
    if (m) {
      d = +m[1]; mo = +m[2]; y = +m[3];
    } else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) {
      y = +m[1]; mo = +m[2]; d = +m[3];
    } else {
      return null;
    }
    if (y < FIRST_CE_YEAR) return null;
    if (y >= 2400) y -= BE;
    var date = new Date(y, mo - 1, d);
    return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
  }

  function today() {
    var now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }

  function addMonths(d, n) {
    var last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  }

  function sameDay(a, b) { return !!a && !!b && a.getTime() === b.getTime(); }

  function sameMonth(a, b) { return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth(); }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function button(className, text, label) {
    var b = element("button", className, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function enhance(input) {
    var names = LANGS[document.documentElement.lang === "en" ? "en" : "th"];
    var labels = input.dataset;
    var wrap = element("div", "date-entry");
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var opener = button("btn secondary dp-open", labels.pickerOpen);
    opener.setAttribute("aria-haspopup", "dialog");
    opener.setAttribute("aria-expanded", "false");
    var fieldLabel = document.querySelector('label[for="' + input.id + '"]');
    if (fieldLabel) {  // which field's calendar, when a form has several
      fieldLabel.id = fieldLabel.id || input.id + "-label";
      opener.setAttribute("aria-describedby", fieldLabel.id);
    }
    wrap.appendChild(opener);

    var dialog = null, title = null, body = null, prev = null, next = null;
    var focused = null;  // the day that has the keyboard focus, in the month shown

    function build() {
      dialog = element("div", "datepicker");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.setAttribute("aria-label", labels.pickerOpen);
      if (fieldLabel) dialog.setAttribute("aria-describedby", fieldLabel.id);
      var head = element("div", "dp-head");
      prev = button("dp-prev", "‹", labels.pickerPrev);
      next = button("dp-next", "›", labels.pickerNext);
      title = element("div", "dp-title");
      title.id = input.id + "-calendar-title";
      title.setAttribute("aria-live", "polite");
      head.append(prev, title, next);
      var grid = element("table", "dp-grid");
      grid.setAttribute("role", "grid");
      grid.setAttribute("aria-labelledby", title.id);
      var row = grid.createTHead().insertRow();
      names.days.forEach(function (short, i) {
        var th = element("th", "", short);
        th.scope = "col";
        th.abbr = names.dayNames[i];
        row.appendChild(th);
      });
      body = grid.createTBody();
      dialog.append(head, grid);
      prev.addEventListener("click", function () { focused = addMonths(focused, -1); render(); });
      next.addEventListener("click", function () { focused = addMonths(focused, 1); render(); });
      body.addEventListener("click", function (e) {
        var day = e.target.closest("button.dp-day");
        if (day) pick(parse(day.dataset.date));
      });
      dialog.addEventListener("keydown", keys);
    }

    function render() {
      var y = focused.getFullYear(), m = focused.getMonth();
      var lead = new Date(y, m, 1).getDay(), count = new Date(y, m + 1, 0).getDate();
      var picked = parse(input.value), now = today(), row = null;
      title.textContent = names.heading(y, m);
      body.textContent = "";
      for (var i = 0; i < Math.ceil((lead + count) / 7) * 7; i++) {
        if (i % 7 === 0) row = body.insertRow();
        var cell = row.insertCell();
        var n = i - lead + 1;
        if (n < 1 || n > count) continue;
        var day = new Date(y, m, n);
        var b = button("dp-day", String(n), names.full(day));
        b.dataset.date = y + "-" + String(m + 1).padStart(2, "0") + "-" + String(n).padStart(2, "0");
        b.tabIndex = sameDay(day, focused) ? 0 : -1;
        if (sameDay(day, now)) {
          b.classList.add("dp-today");
          b.setAttribute("aria-current", "date");
        }
        cell.setAttribute("aria-selected", sameDay(day, picked) ? "true" : "false");
        if (sameDay(day, picked)) b.classList.add("dp-picked");
        cell.appendChild(b);
      }
      if (dialog.isConnected) dialog.scrollIntoView({ block: "nearest" });  // a 6-week month is taller
    }

    function dayButton() { return body.querySelector('button[tabindex="0"]'); }

    function moveTo(day) {
      var again = !sameMonth(day, focused);
      focused = day;
      if (again) {
        render();
      } else {
        body.querySelectorAll("button.dp-day").forEach(function (b) {
          b.tabIndex = sameDay(parse(b.dataset.date), day) ? 0 : -1;
        });
      }
      dayButton().focus();
    }

    function keys(e) {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close(true);
        return;
      }
      if (e.key === "Tab") {  // round the calendar's own controls while it is open
        var stops = [prev, next, dayButton()];
        var at = stops.indexOf(document.activeElement);
        e.preventDefault();
        stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
        return;
      }
      if (!e.target.classList.contains("dp-day")) return;
      var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      var to = null;
      if (e.key in steps) to = addDays(focused, steps[e.key]);
      else if (e.key === "PageUp") to = addMonths(focused, e.shiftKey ? -12 : -1);
      else if (e.key === "PageDown") to = addMonths(focused, e.shiftKey ? 12 : 1);
      else if (e.key === "Home") to = addDays(focused, -focused.getDay());
      else if (e.key === "End") to = addDays(focused, 6 - focused.getDay());
      else if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();  // no click as well, and none on the button focus returns to
        pick(focused);
        return;
      } else return;
      e.preventDefault();
      moveTo(to);
    }

    function pick(day) {
      input.value = names.typed(day);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close(true);
    }

    function outside(e) {
      if (!wrap.contains(e.target)) close(false);
    }

    function open() {
      focused = parse(input.value) || today();
      build();
      wrap.appendChild(dialog);
      render();
      opener.setAttribute("aria-expanded", "true");
      document.addEventListener("pointerdown", outside, true);
      dayButton().focus({ preventScroll: true });
    }

    function close(refocus) {
      if (!dialog) return;
      dialog.remove();
      dialog = null;
      opener.setAttribute("aria-expanded", "false");
      document.removeEventListener("pointerdown", outside, true);
      if (refocus) opener.focus();
    }

    opener.addEventListener("click", function () {
      if (dialog) close(true); else open();
    });
  }

  document.querySelectorAll("input[data-be-date]").forEach(enhance);
})();
