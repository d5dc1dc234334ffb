/*
 * Checklist rows save by themselves, and never throw away what is being typed.
 *
 * Each row is a form (data-autosave) that htmx posts when it receives the "ips:save" event; the answer
 * replaces only the row's status area (the version the row is based on, and what became of the save),
 * never the rating or the notes. Saves of one row run one after the other (hx-sync "queue last"), each
 * sending the row's current values with the version the previous save returned.
 *
 *   - choosing a rating saves at once;
 *   - notes save 800 ms after the last keystroke, and when the box loses focus;
 *   - the status reads "Saving…", then "Saved at HH:MM", or "Not saved" with a Retry button when the
 *     request failed; each state is also announced to screen readers (#checklist-announcer);
 *   - when someone else saved the answer in the meantime the server refuses (409) and the row says so;
 *     automatic saves of that row then wait until the person chooses "Save mine over theirs" or
 *     "Use theirs";
 *   - leaving the page while a row holds changes not saved yet asks first.
 *
 * One set of listeners on the document, so rows that htmx swaps in later work too.
 */
(function () {
  "use strict";

  var NOTES_DELAY_MS = 800;
  var timers = new WeakMap();
  var held = new WeakSet();  // rows in conflict: automatic saves wait for the person's choice
  var edits = new WeakMap();  // per row: changes made, and how many of them the last request sent
  var sent = new WeakMap();
  var unsaved = new Set();  // rows holding changes not saved yet

  function edited(form) {
    edits.set(form, (edits.get(form) || 0) + 1);
    unsaved.add(form);
  }

  function rowForm(element) {
    return element && element.closest ? element.closest("form[data-autosave]") : null;
  }

  // The row of an htmx event: requests are fired on the form, swaps on its status area.
  function eventRow(event) {
    var target = event.target;
    if (target && target.matches && target.matches("form[data-autosave]")) {
      return target;
    }
    if (target && target.classList && target.classList.contains("ips-row-status")) {
      return rowForm(target);
    }
    return null;
  }

  function statusArea(form) {
    return form.querySelector(".ips-row-status");
  }

  function announce(form, text) {
    var announcer = document.getElementById("checklist-announcer");
    if (announcer) {
      announcer.textContent = (form.dataset.question ? form.dataset.question + ": " : "") + text;
    }
  }

  function setStatus(form, state, text, withRetry) {
    var area = statusArea(form);
    if (!area) {
      return;
    }
    var line = area.querySelector(".ips-row-status__text");
    if (!line) {
      line = document.createElement("span");
      line.className = "ips-row-status__text";
      area.appendChild(line);
    }
    line.className = "ips-row-status__text ips-row-status--" + state;
    line.setAttribute("data-row-status", state);
    line.textContent = text;
    var retry = area.querySelector("[data-retry]");
    if (withRetry && !retry) {
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "usa-button usa-button--outline usa-button--small";
      retry.setAttribute("data-retry", "");
      retry.textContent = "Retry";
      var context = document.createElement("span");
      context.className = "usa-sr-only";
      context.textContent = " saving " + (form.dataset.question || "this answer");
      retry.appendChild(context);
      line.insertAdjacentElement("afterend", retry);
    } else if (!withRetry && retry) {
      retry.remove();
    }
    announce(form, text);
  }

  function save(form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
    form.dispatchEvent(new CustomEvent("ips:save"));
  }

  function saveLater(form) {
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () {
      timers.delete(form);
      if (!held.has(form)) {
        save(form);
      }
    }, NOTES_DELAY_MS));
  }

  // A rating chosen: save at once.
  document.addEventListener("change", function (event) {
    var form = rowForm(event.target);
    if (form && event.target.type === "radio") {
      edited(form);
      if (!held.has(form)) {
        save(form);
      }
    }
  });

  // Notes typed: save once typing pauses.
  document.addEventListener("input", function (event) {
    var form = rowForm(event.target);
    if (form && event.target.tagName === "TEXTAREA") {
      edited(form);
      if (!held.has(form)) {
        saveLater(form);
      }
    }
  });

  // Leaving the notes box: save now what is waiting.
  document.addEventListener("focusout", function (event) {
    var form = rowForm(event.target);
    if (form && event.target.tagName === "TEXTAREA" && timers.has(form) && !held.has(form)) {
      save(form);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    var form = rowForm(button);
    if (!form) {
      return;
    }
    if (button.hasAttribute("data-retry")) {
      save(form);
    } else if (button.hasAttribute("data-use-theirs")) {
      held.delete(form);
      form.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === button.dataset.rating;
      });
      var notes = form.querySelector("textarea");
      if (notes) {
        notes.value = button.dataset.notes || "";
      }
      unsaved.delete(form);
      var choice = button.closest(".ips-row-conflict");
      if (choice) {
        choice.remove();
      }
      setStatus(form, "idle", "Their answer is kept: nothing of yours was saved.", false);
    }
  });

  // Submitting (Save, or "Save mine over theirs") is the person's own choice: it goes through even in conflict.
  document.addEventListener("submit", function (event) {
    var form = rowForm(event.target);
    if (form) {
      held.delete(form);
      clearTimeout(timers.get(form));  // this request sends the notes too
      timers.delete(form);
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = eventRow(event);
    if (!form) {
      return;
    }
    if (held.has(form)) {
      // An automatic save queued before the conflict was known: it would overwrite the other answer.
      event.preventDefault();
      return;
    }
    sent.set(form, edits.get(form) || 0);
    setStatus(form, "saving", "Saving…", false);
  });

  // Only the status area of a row is ever swapped, and only with a row status (a sign-in page answered
  // to an ended session, say, is not one): anything else leaves the row as typed, marked not saved.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = eventRow(event);
    if (!form) {
      return;
    }
    var body = event.detail.serverResponse || "";
    if (event.detail.shouldSwap && body.indexOf("data-row-status") === -1) {
      event.detail.shouldSwap = false;
      setStatus(form, "failed", "Not saved: the answer could not be recorded.", true);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = eventRow(event);
    if (!form) {
      return;
    }
    var line = statusArea(form).querySelector("[data-row-status]");
    if (!line) {
      return;
    }
    var state = line.getAttribute("data-row-status");
    if (state === "conflict") {
      held.add(form);
      clearTimeout(timers.get(form));
      timers.delete(form);
    } else {
      held.delete(form);
      if (state === "saved") {
        form.closest(".ips-checklist-row").classList.add("ips-checklist-row--answered");
        if (sent.get(form) === (edits.get(form) || 0)) {
          unsaved.delete(form);  // nothing typed since this save was sent
        }
      }
    }
    announce(form, line.textContent);
  });

  function failed(event) {
    var form = eventRow(event);
    if (form) {
      setStatus(form, "failed", "Not saved: the connection failed.", true);
    }
  }

  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:responseError", function (event) {
    var form = eventRow(event);
    if (form) {
      setStatus(form, "failed", "Not saved: the server refused the answer (" + event.detail.xhr.status + ").", true);
    }
  });

  // Leaving the page with changes not saved yet (typing pauses shorter than the delay, a failed save,
  // notes with no rating, a row in conflict): the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (Array.from(unsaved).some(function (form) { return form.isConnected; })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
