/*
 * Print buttons: any button with a data-print attribute opens the browser's print dialog.
 *
 * One listener on the document, so a button that htmx swaps in later works too, and no inline
 * onclick handler is needed (the Content-Security-Policy forbids them).
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
