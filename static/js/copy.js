/* Copy buttons: <button type="button" data-copy="ID" hidden> copies the text (or an input's value)
   of the element with that id, and says so in the element [data-copy-status="ID"]. The button is
   hidden in the markup and shown here: without this script there is nothing to press, and the
   text can still be selected by hand. Where the clipboard API is missing (a plain-HTTP page), the
   text is selected and the browser's copy command does it. Loaded with defer. */
(function () {
  "use strict";

  function textOf(element) {
    return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement
      ? element.value : element.textContent.trim();
  }

  function select(element) {
    if (element.select) {
      element.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyBySelecting(element) {
    select(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function say(id, message) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) status.textContent = message || "";
  }

  function copy(button) {
    var id = button.getAttribute("data-copy");
    var element = document.getElementById(id);
    if (!element) return;
    var done = function () { say(id, button.getAttribute("data-copied")); };
    var failed = function () {
      select(element);
      say(id, button.getAttribute("data-copy-failed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textOf(element)).then(done, function () {
        if (copyBySelecting(element)) done(); else failed();
      });
    } else if (copyBySelecting(element)) {
      done();
    } else {
      failed();
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
