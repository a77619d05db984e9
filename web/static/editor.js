/* Krabuan: the procedure editor page. The diagram is bpmn-js with the Krabuan properties panel
   (window.KrabuanModeler, built from web/modeler); the forms are edited by form_editor.js. The
   draft saves itself a moment after each change (PUT /api/v1/procedures/<id>/draft with the
   lock_version this page holds: a stale tab gets a conflict, never overwrites), when the tab is
   hidden, and before validating or sending for approval. Validation lists each problem and marks
   it on its element; choosing a problem selects its element. */
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root || !window.KrabuanModeler) { return; }
  var data = JSON.parse(document.getElementById("draft-data").textContent);
  var msg = root.dataset;
  var state = document.getElementById("save-state");
  var lockField = document.getElementById("lock-version");
  var lock = data.lock_version;
  var forms = data.forms;
  var dirty = false;
  var saving = null;
  var timer = null;
  var conflict = false;

  var titles = Object.keys(data.form_titles).map(function (key) { return { key: key, title: data.form_titles[key] }; });
  var dateFields = data.variables.filter(function (v) { return v.type === "date" || v.type === "datetime"; });
  var editor = window.KrabuanModeler.create({
    canvas: document.getElementById("canvas"), panel: document.getElementById("panel"),
    forms: titles, dateFields: dateFields, variables: data.variables, groups: []
  });

  function say(text, kind) {
    state.textContent = text;
    state.className = kind || "muted";
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", keepalive: document.visibilityState === "hidden",
      headers: { "Content-Type": "application/json", "X-CSRFToken": msg.csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, json: json };
      });
    });
  }

  function save() {
    if (conflict) { return Promise.reject(new Error("conflict")); }
    if (saving) { return saving.then(function () { return dirty ? save() : null; }); }
    if (!dirty && lock > 0) { return Promise.resolve(null); }
    dirty = false;
    say(msg.msgSaving);
    saving = editor.saveXML().then(function (xml) {
      return request("PUT", msg.api, { bpmn_xml: xml, forms: forms, lock_version: lock });
    }).then(function (answer) {
      saving = null;
      if (answer.status === 200) {
        lock = answer.json.lock_version;
        lockField.value = String(lock);
        var now = new Date();
        say(msg.msgSaved + " " + now.toLocaleTimeString(document.documentElement.lang === "th" ? "th-TH" : "en-GB",
          { hour: "2-digit", minute: "2-digit" }), "ok");
        return answer;
      }
      dirty = true;
      if (answer.status === 409) {
        conflict = true;
        say(msg.msgConflict, "error");
      } else {
        say(msg.msgFailed + " " + ((answer.json.error && answer.json.error.message) || answer.status), "error");
      }
      throw new Error("not saved");
    }, function (error) {
      saving = null;
      dirty = true;
      say(msg.msgFailed + " " + error.message, "error");
      throw error;
    });
    return saving;
  }

  function changed() {
    dirty = true;
    say(msg.msgUnsaved);
    clearTimeout(timer);
    timer = setTimeout(function () { save().catch(function () {}); }, 1500);
  }

  function showProblems(result) {
    var box = document.getElementById("problems");
    var list = document.getElementById("problem-list");
    box.hidden = false;
    list.textContent = "";
    var warnings = result.warnings ? " " + result.warnings + " " + msg.msgWarnings : "";
    document.getElementById("problems-summary").textContent = result.ok ? msg.msgOk + warnings
      : result.errors + " " + msg.msgProblems + (warnings ? "," + warnings : "");
    result.problems.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "problem " + p.severity;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.dataset.elementId = p.element_id;
      button.textContent = (p.element_id ? p.element_id + ": " : "") + p.th;
      button.addEventListener("click", function () {
        document.getElementById("tab-diagram").click();
        editor.select(p.element_id);
      });
      var english = document.createElement("small");
      english.lang = "en";
      english.textContent = " (" + p.en + ")";
      item.appendChild(button);
      item.appendChild(english);
      list.appendChild(item);
    });
    editor.showProblems(result.problems);
  }

  function validate() {
    return save().then(function () {
      return request("POST", msg.validate);
    }).then(function (answer) {
      if (answer.status === 200) { showProblems(answer.json); return answer.json; }
      say(msg.msgFailed + " " + ((answer.json.error && answer.json.error.message) || answer.status), "error");
      return null;
    });
  }

  editor.importXML(data.bpmn_xml).then(function () {
    editor.onChange(changed);
    say(lock > 0 ? msg.msgSaved : "", "muted");
  });

  if (window.KrabuanFormEditor) {
    window.KrabuanFormEditor.create(document.getElementById("form-editor"), forms, function (updated) {
      forms = updated;
      changed();
    });
  }

  document.getElementById("validate").addEventListener("click", function () { validate().catch(function () {}); });
  document.getElementById("save").addEventListener("click", function () { dirty = true; save().catch(function () {}); });
  document.getElementById("export").addEventListener("click", function () {
    editor.saveXML().then(function (xml) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
      link.download = root.dataset.processId + ".bpmn";
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
  });
  document.getElementById("import-file").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) { return; }
    file.text().then(function (xml) {
      return editor.importXML(xml).then(function () {
        say(msg.msgImported, "ok");
        changed();
      });
    }).catch(function (error) { say(msg.msgImportFailed + " " + error.message, "error"); });
  });

  document.getElementById("submit-form").addEventListener("submit", function (event) {
    if (event.target.dataset.saved === "yes") { return; }
    event.preventDefault();
    save().then(function () {
      event.target.dataset.saved = "yes";
      event.target.submit();
    }).catch(function () {});
  });

  var tabs = [["tab-diagram", "pane-diagram"], ["tab-forms", "pane-forms"]];
  tabs.forEach(function (pair) {
    document.getElementById(pair[0]).addEventListener("click", function () {
      tabs.forEach(function (other) {
        var on = other[0] === pair[0];
        document.getElementById(other[0]).setAttribute("aria-selected", on ? "true" : "false");
        document.getElementById(other[1]).hidden = !on;
      });
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { save().catch(function () {}); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || saving) { save().catch(function () {}); event.preventDefault(); event.returnValue = ""; }
  });

  window.KrabuanEditor = { save: save, validate: validate, editor: editor, lock: function () { return lock; } };
}());
