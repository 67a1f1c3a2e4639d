// The dashboard's three live behaviours, written for tradekernel: no framework, no eval.
//   data-get + data-target     a click loads the URL's HTML fragment into the target
//   data-post + data-target    a click (confirmed when data-confirm is set) posts the closest
//                              form's fields plus data-action; the answer replaces the target
//   data-poll + data-every     the element loads the URL's fragment now and every N ms
"use strict";
(function () {
  async function load(url, target, init) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, init));
    target.innerHTML = await response.text();
  }

  function targetOf(element) {
    return document.querySelector(element.dataset.target);
  }

  document.addEventListener("click", function (event) {
    const getter = event.target.closest("[data-get]");
    if (getter) {
      load(getter.dataset.get, targetOf(getter));
      return;
    }
    const poster = event.target.closest("[data-post]");
    if (!poster) {
      return;
    }
    if (poster.dataset.confirm && !window.confirm(poster.dataset.confirm)) {
      return;
    }
    const form = poster.closest("form");
    const body = new URLSearchParams(form ? new FormData(form) : undefined);
    body.set("action", poster.dataset.action);
    load(poster.dataset.post, targetOf(poster), { method: "POST", body: body });
  });

  document.querySelectorAll("[data-poll]").forEach(function (element) {
    const refresh = function () {
      load(element.dataset.poll, element);
    };
    refresh();
    setInterval(refresh, Number(element.dataset.every));
  });
})();
