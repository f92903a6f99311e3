document.addEventListener("DOMContentLoaded", function () {
  // Move focus to a form's error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // A second click on a submit button while the first is on its way sends nothing more.
  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      form.setAttribute("aria-busy", "true");
    });
  });
});

// Coming back to a page from the browser's history makes its forms usable again.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.removeAttribute("aria-busy");
    });
  }
});

// A text box that narrows a long checklist (record a class) without losing the ticks.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-filter-target]").forEach(function (box) {
    var list = document.getElementById(box.dataset.filterTarget);
    box.addEventListener("input", function () {
      var term = box.value.trim().toLowerCase();
      list.querySelectorAll("[data-filter-text]").forEach(function (item) {
        item.hidden = term !== "" && item.dataset.filterText.indexOf(term) === -1;
      });
    });
  });
});

// An import's progress bar follows the background job, then shows the result.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-import-progress]");
  if (!box) {
    return;
  }
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-import-status]");
  var poll = function () {
    fetch(box.dataset.importProgress, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        status.textContent = data.state_label + ": " + data.progress + "%";
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  window.setTimeout(poll, 1000);
});

// The phone menu's button says whether the menu is open: the design system's script opens
// and closes it (button, close button, overlay, Escape) without saying so.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".usa-menu-btn[aria-controls]");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  new MutationObserver(function () {
    button.setAttribute("aria-expanded", String(menu.classList.contains("is-visible")));
  }).observe(menu, { attributes: true, attributeFilter: ["class"] });
});
