/* Krabuan: the diff of two versions on their diagrams. The old diagram marks what was removed
   (and changed), the new one what was added (and changed), in the colours of the legend; a line
   of the list selects its element on the diagram that has it. */
(function () {
  "use strict";

  var data = document.getElementById("diff-data");
  if (!data || !window.KrabuanModeler) { return; }
  var diff = JSON.parse(data.textContent);
  // The server's marks (engine.model.process_diff): an element added or removed stays so whatever
  // else is said of it; a step whose control point was added is changed.
  var oldMarks = {};
  var newMarks = {};
  Object.keys(diff.marks || {}).forEach(function (id) {
    var mark = diff.marks[id];
    if (mark !== "added") { oldMarks[id] = mark; }
    if (mark !== "removed") { newMarks[id] = mark; }
  });
  var views = {};
  window.KrabuanModeler.viewDiff({ canvas: document.getElementById("diagram-old"), xml: diff.old, marks: oldMarks })
    .then(function (view) { views.old = view; });
  window.KrabuanModeler.viewDiff({ canvas: document.getElementById("diagram-new"), xml: diff["new"], marks: newMarks })
    .then(function (view) { views["new"] = view; });
  document.querySelectorAll("[data-select]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.dataset.select;
      ["new", "old"].some(function (side) {
        var view = views[side];
        var element = view && view.viewer.get("elementRegistry").get(id);
        if (!element) { return false; }
        view.viewer.get("canvas").scrollToElement(element, { top: 80, bottom: 80, left: 120, right: 120 });
        view.viewer.get("canvas").addMarker(id, "kb-diff-focus");
        setTimeout(function () { view.viewer.get("canvas").removeMarker(id, "kb-diff-focus"); }, 1500);
        return true;
      });
    });
  });
}());
