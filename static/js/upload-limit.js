/*
 * File inputs with a data-max-bytes attribute: a file over the limit is refused as soon as it is chosen,
 * before the browser sends it. The server refuses it too (and stops reading it at the limit), but a
 * browser that is cut off mid-upload shows a connection error instead of the page's message.
 *
 * One listener on the document, so a form that htmx swaps in later works too. It listens in the capture
 * phase: the file is dropped before the USWDS file input draws its preview, which then shows none.
 */
(function () {
  "use strict";

  function messageFor(input) {
    var id = input.id + "_size_error";
    var message = document.getElementById(id);
    if (!message) {
      message = document.createElement("span");
      message.id = id;
      message.className = "usa-error-message";
      message.setAttribute("role", "alert");
      var anchor = input.closest(".usa-file-input") || input;  // outside the USWDS drop zone
      anchor.parentNode.insertBefore(message, anchor);
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
    return message;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
      return;
    }
    var limit = Number(input.dataset.maxBytes);
    var tooLarge = Array.prototype.some.call(input.files || [], function (file) { return file.size > limit; });
    var group = input.closest(".usa-form-group");
    var existing = document.getElementById(input.id + "_size_error");
    if (tooLarge) {
      input.value = "";
      messageFor(input).textContent =
        "The file is larger than the " + input.dataset.maxMb + " MB limit. Choose a smaller file.";
      if (group) { group.classList.add("usa-form-group--error"); }
    } else if (existing) {
      existing.textContent = "";
    }
  }, true);
})();
