/*
 * Reader pages. Small on purpose, no dependencies; every page works without it.
 *
 * - Notice bar: a dismissed notice stays dismissed on every later page and in
 *   both scripts (简体 and 繁體 share one origin, so one localStorage). The bar
 *   is shown by default, so it is readable with JS off (its close button, which
 *   needs JS, starts hidden); this deferred script hides a dismissed bar before
 *   the page is interactive.
 * - Section nav: on phones it scrolls sideways; bring the current section into view.
 * - View beacon: an article page reports one view to its data-view-beacon URL
 *   (articles/view_counts.py), after a prerendered page is actually shown.
 */
(function () {
  "use strict";

  var PREFIX = "newsportal:notice-dismissed:";

  // localStorage may be missing, disabled or full (private modes, strict settings).
  function storage() {
    try {
      var store = window.localStorage;
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null;
    }
  }

  function setUpNotices(store) {
    var bars = document.querySelectorAll(".notice-bar[data-notice]");
    Array.prototype.forEach.call(bars, function (bar) {
      var key = PREFIX + bar.getAttribute("data-notice");
      if (store && store.getItem(key)) {
        bar.hidden = true;
        return;
      }
      var close = bar.querySelector(".notice-close");
      if (!close) {
        return;
      }
      close.hidden = false; // Without JS it could not work, so it starts hidden.
      close.addEventListener("click", function () {
        var hadFocus = bar.contains(document.activeElement);
        bar.hidden = true;
        if (store) {
          try {
            store.setItem(key, String(Date.now()));
          } catch (error) {
            // Quota or privacy settings: the bar is closed for this page only.
          }
        }
        if (hadFocus) {
          var main = document.getElementById("main");
          if (main) {
            main.focus({ preventScroll: true });
          }
        }
      });
    });
  }

  function revealCurrentSection() {
    var list = document.querySelector(".section-nav ul");
    var current = list && list.querySelector('[aria-current]');
    if (!current || list.scrollWidth <= list.clientWidth) {
      return;
    }
    var item = current.parentNode;
    var left = item.offsetLeft - list.offsetLeft - (list.clientWidth - item.offsetWidth) / 2;
    list.scrollLeft = Math.max(0, left);
  }

  function reportView() {
    var article = document.querySelector("[data-view-beacon]");
    if (!article || !navigator.sendBeacon) {
      return;
    }
    var send = function () {
      navigator.sendBeacon(article.getAttribute("data-view-beacon"));
    };
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", send, { once: true });
    } else {
      send();
    }
  }

  setUpNotices(storage());
  revealCurrentSection();
  reportView();
})();
