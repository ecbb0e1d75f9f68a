// Behaviour the farm's pages need, served by the farm itself (no CDN):
// styled dropdowns, captcha widgets that only a solver token satisfies,
// and forms built or submitted by script.
(function () {
  "use strict";

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Styled dropdowns: a combobox div, a listbox of options, a hidden input holding the value.
  function closeAll(except) {
    document.querySelectorAll("[data-dropdown]").forEach(function (dd) {
      if (dd === except) return;
      dd.querySelector(".dd-menu").hidden = true;
      dd.querySelector(".dd-toggle").setAttribute("aria-expanded", "false");
    });
  }
  function choose(dd, option) {
    dd.querySelector("input[type=hidden]").value = option.getAttribute("data-value");
    dd.querySelector(".dd-toggle").textContent = option.textContent;
    dd.querySelectorAll("[role=option]").forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    closeAll();
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var toggle = target.closest && target.closest(".dd-toggle");
    var option = target.closest && target.closest("[data-dropdown] [role=option]");
    if (toggle) {
      var dd = toggle.closest("[data-dropdown]");
      var menu = dd.querySelector(".dd-menu");
      var open = menu.hidden;
      closeAll(dd);
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    } else if (option) {
      choose(option.closest("[data-dropdown]"), option);
    } else {
      closeAll();
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.closest) return;
    if (target.matches(".dd-toggle") && (event.key === "Enter" || event.key === " " || event.key === "ArrowDown")) {
      event.preventDefault();
      target.click();
      var first = target.closest("[data-dropdown]").querySelector("[role=option]");
      if (first) first.focus();
    } else if (target.matches("[data-dropdown] [role=option]")) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(target.closest("[data-dropdown]"), target);
      } else if (event.key === "ArrowDown" && target.nextElementSibling) target.nextElementSibling.focus();
      else if (event.key === "ArrowUp" && target.previousElementSibling) target.previousElementSibling.focus();
    }
  });

  // Captcha widgets: a checkbox that never passes in a headless browser, as the real ones.
  function initCaptchas(root) {
    root.querySelectorAll("[data-farm-captcha]").forEach(function (box) {
      if (box.childElementCount) return;
      box.innerHTML =
        '<div class="cw"><span class="cw-box" role="checkbox" aria-checked="false" tabindex="0"></span>' +
        '<span class="cw-text">I\'m not a robot</span><span class="cw-brand">FarmCaptcha</span></div>';
      box.querySelector(".cw-box").addEventListener("click", function () {
        box.querySelector(".cw-text").textContent = "Verification failed, please try again";
      });
    });
  }

  // Script-built forms: fetch the form, insert it after a delay; the fetch app also submits by fetch.
  function initApp(app) {
    var delay = Number(app.getAttribute("data-delay") || 0);
    setTimeout(function () {
      fetch(app.getAttribute("data-farm-app"), { credentials: "same-origin" })
        .then(function (r) {
          return r.json();
        })
        .then(function (data) {
          app.innerHTML = data.html;
          initCaptchas(app);
        });
    }, delay);
    if (app.getAttribute("data-mode") !== "fetch") return;
    app.addEventListener("submit", function (event) {
      var form = event.target;
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      fetch(form.getAttribute("data-api"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(new FormData(form)).toString(),
      })
        .then(function (r) {
          return r.json();
        })
        .then(function (data) {
          if (data.ok) {
            app.innerHTML =
              '<div class="alert alert-success" role="status"><h2>' +
              esc(data.message) +
              "</h2>" +
              (data.listingUrl ? '<p class="listing-url"><a href="' + esc(data.listingUrl) + '">' + esc(data.listingUrl) + "</a></p>" : "") +
              "</div>";
          } else if (data.html) {
            app.innerHTML = data.html;
            initCaptchas(app);
          } else {
            app.insertAdjacentHTML("afterbegin", '<div class="alert alert-error" role="alert"><p>' + esc(data.message) + "</p></div>");
            if (button) button.disabled = false;
          }
        });
    });
  }

  function init() {
    initCaptchas(document);
    document.querySelectorAll("[data-farm-app]").forEach(initApp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
