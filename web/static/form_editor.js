/* Krabuan: the forms editor of the procedure editor page. Edits the draft's forms as they are
   written in a forms file ({key, title: {th, en}, fields: [{name, type, label: {th, en},
   required, options: [{value, label: {th, en}}], ...}], rules}), adds a form for a new step (its key
   is then chosen in the step's properties), and hands every change to the
   page (which saves the draft). The server checks each form (engine.model.form_schema) when the
   draft is validated; this editor only keeps the shape. Keys it does not show (help, min, max,
   max_length, pattern, group, rules) are kept as they were. */
(function () {
  "use strict";

  var TYPES = ["text", "textarea", "integer", "money", "date", "datetime", "month", "select", "multiselect",
    "checkbox", "file", "user", "users"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function optionsText(field) {
    return (field.options || []).map(function (o) {
      return [o.value, (o.label || {}).th || "", (o.label || {}).en || ""].join(" | ");
    }).join("\n");
  }

  function parseOptions(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
      var parts = line.split("|").map(function (p) { return p.trim(); });
      return { value: parts[0], label: { th: parts[1] || parts[0], en: parts[2] || parts[1] || parts[0] } };
    });
  }

  function create(container, forms, onChange) {
    var labels = JSON.parse(container.dataset.labels || "{}");
    var keys = Object.keys(forms).sort();
    var current = keys[0];
    container.textContent = "";
    if (!keys.length) { return; }
    container.appendChild(el("p", { "class": "muted" }, labels.help));
    var pick = el("select", { id: "form-pick", "aria-label": labels.form });
    keys.forEach(function (key) {
      var option = el("option", { value: key }, key + " · " + ((forms[key].title || {}).th || ""));
      pick.appendChild(option);
    });
    var pickField = el("div", { "class": "field" });
    pickField.appendChild(el("label", { "for": "form-pick" }, labels.form));
    pickField.appendChild(pick);
    container.appendChild(pickField);
    var adding = el("div", { "class": "field add-form" });
    var newKey = el("input", { type: "text", id: "new-form-key", pattern: "[a-z0-9-]+[.][a-z][a-z0-9_]*",
      placeholder: keys[0].split(".")[0] + ".new_step" });
    var addForm = el("button", { type: "button", "class": "btn secondary", id: "add-form" }, labels.add_form);
    addForm.addEventListener("click", function () {
      var key = newKey.value.trim();
      if (!key || forms[key] || !newKey.checkValidity()) { newKey.focus(); return; }
      forms[key] = { key: key, title: { th: "", en: "" }, fields: [] };
      var option = el("option", { value: key }, key);
      pick.appendChild(option);
      pick.value = current = key;
      newKey.value = "";
      changed();
      render();
    });
    adding.appendChild(el("label", { "for": "new-form-key" }, labels.new_form));
    adding.appendChild(newKey);
    adding.appendChild(addForm);
    container.appendChild(adding);
    var body = el("div", { id: "form-fields" });
    container.appendChild(body);

    function changed() { onChange(forms); }

    function input(value, attrs, onInput) {
      var box = el(attrs.multiline ? "textarea" : "input", attrs.multiline ? { rows: "3" } : { type: "text" });
      Object.keys(attrs).forEach(function (k) { if (k !== "multiline") { box.setAttribute(k, attrs[k]); } });
      box.value = value || "";
      box.addEventListener("input", function () { onInput(box.value); changed(); });
      return box;
    }

    function labelled(text, control) {
      var wrap = el("div", { "class": "field" });
      var id = control.id || ("f" + Math.random().toString(36).slice(2));
      control.id = id;
      wrap.appendChild(el("label", { "for": id }, text));
      wrap.appendChild(control);
      return wrap;
    }

    function fieldRow(form, field, index) {
      var row = el("fieldset", { "class": "form-field", "data-field": field.name || "" });
      row.appendChild(el("legend", {}, (index + 1) + ". " + (field.name || "")));
      row.appendChild(labelled(labels.field, input(field.name, { "data-key": "name", pattern: "[a-z][a-z0-9_]*" },
        function (v) { field.name = v; })));
      var type = el("select", { "data-key": "type" });
      TYPES.forEach(function (t) { var o = el("option", { value: t }, t); if (t === field.type) { o.selected = true; } type.appendChild(o); });
      type.addEventListener("change", function () {
        field.type = type.value;
        if (field.type !== "select" && field.type !== "multiselect") { delete field.options; }
        changed();
        render();
      });
      row.appendChild(labelled(labels.type, type));
      field.label = field.label || { th: "", en: "" };
      row.appendChild(labelled(labels.label_th, input(field.label.th, { "data-key": "label_th", lang: "th" },
        function (v) { field.label.th = v; })));
      row.appendChild(labelled(labels.label_en, input(field.label.en, { "data-key": "label_en", lang: "en" },
        function (v) { field.label.en = v; })));
      var required = el("input", { type: "checkbox", "data-key": "required" });
      required.checked = !!field.required;
      required.addEventListener("change", function () {
        if (required.checked) { field.required = true; } else { delete field.required; }
        changed();
      });
      row.appendChild(labelled(labels.required, required));
      if (field.type === "select" || field.type === "multiselect") {
        row.appendChild(labelled(labels.options, input(optionsText(field), { multiline: true, "data-key": "options" },
          function (v) { field.options = parseOptions(v); })));
      }
      var actions = el("p", { "class": "field-actions" });
      [["up", -1], ["down", 1]].forEach(function (pair) {
        var move = el("button", { type: "button", "class": "btn secondary" }, labels[pair[0]]);
        move.addEventListener("click", function () {
          var to = index + pair[1];
          if (to < 0 || to >= form.fields.length) { return; }
          form.fields.splice(to, 0, form.fields.splice(index, 1)[0]);
          changed();
          render();
        });
        actions.appendChild(move);
      });
      var remove = el("button", { type: "button", "class": "btn secondary" }, labels.remove);
      remove.addEventListener("click", function () { form.fields.splice(index, 1); changed(); render(); });
      actions.appendChild(remove);
      row.appendChild(actions);
      return row;
    }

    function render() {
      var form = forms[current];
      body.textContent = "";
      form.title = form.title || { th: "", en: "" };
      body.appendChild(labelled(labels.title_th, input(form.title.th, { "data-key": "title_th", lang: "th" },
        function (v) { form.title.th = v; })));
      body.appendChild(labelled(labels.title_en, input(form.title.en, { "data-key": "title_en", lang: "en" },
        function (v) { form.title.en = v; })));
      form.fields = form.fields || [];
      form.fields.forEach(function (field, index) { body.appendChild(fieldRow(form, field, index)); });
      var add = el("button", { type: "button", "class": "btn", id: "add-field" }, labels.add);
      add.addEventListener("click", function () {
        form.fields.push({ name: "new_field_" + (form.fields.length + 1), type: "text", label: { th: "", en: "" } });
        changed();
        render();
      });
      body.appendChild(add);
    }

    pick.addEventListener("change", function () { current = pick.value; render(); });
    render();
  }

  window.KrabuanFormEditor = { create: create };
}());
