/* Wide tables on narrow screens. A table that does not fit its .table-wrap becomes one small card
   per row, each cell labelled with its column's heading (copied from the table's head into
   data-label, shown by prm.css). Tables that fit stay tables; without this script a wide table
   scrolls inside its .table-wrap. Loaded with defer: runs once the page is parsed. */
(function () {
  "use strict";

  var LONG = 60;  // characters: a cell longer than this is given a card's whole width

  function label(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (cell.colSpan === 1 && heads[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", heads[column]);
        }
        var text = cell.textContent.replace(/\s+/g, " ").trim();
        // In a card: a cell with nothing in it is left out; a long one takes the card's whole width.
        cell.toggleAttribute("data-empty", !text && !cell.querySelector("input, select, button, img, svg"));
        cell.toggleAttribute("data-wide", text.length > LONG || !!cell.querySelector("ul, ol, blockquote, table"));
        column += cell.colSpan || 1;
      });
    });
  }

  function fit() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var table = wrap.querySelector("table");
      if (!table) return;
      label(table);
      wrap.classList.remove("table-wrap--cards");
      if (table.scrollWidth > wrap.clientWidth + 1) wrap.classList.add("table-wrap--cards");
    });
  }

  var frame = 0;
  function later() {
    window.cancelAnimationFrame(frame);
    frame = window.requestAnimationFrame(fit);
  }

  fit();
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);  // a table swapped in by htmx
})();
