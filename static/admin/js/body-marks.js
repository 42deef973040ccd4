/*
 * Marks for the script converter in the body editor: wrap the selected text in
 * <span translate="no"> (never converted: names, brands, quotations) or in a
 * span naming the script it is written in. No inline handlers (CSP-friendly).
 */
(function () {
  "use strict";

  var MARKS = [
    { label: "不转换", title: "所选文字在任何文字版本中都保持原样", open: '<span translate="no">' },
    { label: "标为繁體", title: "所选文字是用繁體写的", open: '<span lang="zh-Hant">' },
    { label: "标为简体", title: "所选文字是用简体写的", open: '<span lang="zh-Hans">' },
  ];

  function wrap(textarea, open) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    if (start === end) {
      textarea.focus();
      return;
    }
    var value = textarea.value;
    var inner = value.slice(start, end);
    textarea.value = value.slice(0, start) + open + inner + "</span>" + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start, start + open.length + inner.length + "</span>".length);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toolbar(textarea) {
    var bar = document.createElement("div");
    bar.className = "body-marks";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "转换标记");
    MARKS.forEach(function (mark) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = mark.label;
      button.title = mark.title;
      button.addEventListener("click", function () {
        wrap(textarea, mark.open);
      });
      bar.appendChild(button);
    });
    textarea.parentNode.insertBefore(bar, textarea);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.body-editor").forEach(toolbar);
  });
})();
