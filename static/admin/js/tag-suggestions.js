/*
 * Tag autocomplete for the article form's comma-separated tags field (#id_tags).
 *
 * While the editor types the last tag, existing tags are fetched (debounced)
 * from the staff-only endpoint next to the change form and shown in a small
 * listbox (ARIA combobox pattern: arrows, Enter, Escape, mouse). Choosing one
 * replaces the last tag and adds ", ".
 *
 * django-taggit splits only on the ASCII comma, so full-width commas (，) the
 * editor typed before the last tag are turned into ", " when a tag is chosen;
 * otherwise "新闻，经济" would be saved as one tag.
 *
 * No inline handlers or style attributes (CSP): styles are set through the CSSOM.
 */
(function () {
  "use strict";

  var DELAY = 200;
  var traditional = /^zh-(hant|tw|hk|mo)/i.test(document.documentElement.lang || "");
  var TEXT = traditional
    ? { count: " 個標籤建議", none: "沒有相符的標籤" }
    : { count: " 个标签建议", none: "没有相符的标签" };

  // The endpoint sits next to the changelist: /admin/articles/article/tag-suggestions/.
  function endpointFor(input) {
    if (input.dataset.suggestUrl) {
      return input.dataset.suggestUrl;
    }
    var path = window.location.pathname.replace(/(?:add|[^/]+\/change)\/?$/, "");
    return path.replace(/\/?$/, "/") + "tag-suggestions/";
  }

  function css(element, styles) {
    Object.keys(styles).forEach(function (name) {
      element.style[name] = styles[name];
    });
  }

  function lastSeparator(value) {
    return Math.max(value.lastIndexOf(","), value.lastIndexOf("，"));
  }

  function currentToken(value) {
    return value.slice(lastSeparator(value) + 1).trim();
  }

  function enteredTags(value) {
    var head = value.slice(0, lastSeparator(value) + 1);
    return head
      .split(/[,，]/)
      .map(function (tag) { return tag.trim().replace(/^"|"$/g, "").toLowerCase(); })
      .filter(Boolean);
  }

  function withChosen(value, name) {
    var head = value.slice(0, lastSeparator(value) + 1).replace(/\s*[,，]\s*/g, ", ").trim();
    var quoted = /[,"]/.test(name) ? '"' + name.replace(/"/g, "") + '"' : name;
    return (head ? head + " " : "") + quoted + ", ";
  }

  function setUp(input) {
    var url = endpointFor(input);
    var listId = input.id + "-suggestions";
    var cache = {};
    var timer = null;
    var controller = null;
    var options = [];
    var active = -1;

    var list = document.createElement("ul");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    // Fixed to the viewport and placed under the input: the admin's .form-row clips overflow.
    css(list, {
      position: "fixed",
      zIndex: "1000",
      maxHeight: "16em",
      overflowY: "auto",
      margin: "2px 0 0",
      padding: "4px 0",
      listStyle: "none",
      background: "var(--body-bg, #fff)",
      color: "var(--body-fg, #333)",
      border: "1px solid var(--border-color, #ccc)",
      borderRadius: "4px",
      boxShadow: "0 4px 12px rgba(0, 0, 0, 0.15)",
      boxSizing: "border-box",
    });
    document.body.appendChild(list);

    var status = document.createElement("span");
    status.setAttribute("role", "status");
    css(status, {
      position: "absolute",
      width: "1px",
      height: "1px",
      overflow: "hidden",
      clip: "rect(0 0 0 0)",
      whiteSpace: "nowrap",
    });
    input.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function place() {
      var box = input.getBoundingClientRect();
      css(list, {
        top: box.bottom + 2 + "px",
        left: box.left + "px",
        minWidth: box.width + "px",
        maxWidth: Math.max(box.width, window.innerWidth - box.left - 8) + "px",
      });
    }

    function close() {
      list.hidden = true;
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.style.background = on ? "var(--selected-bg, #e4e4e4)" : "";
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(name) {
      input.value = withChosen(input.value, name);
      input.setSelectionRange(input.value.length, input.value.length);
      close();
      input.focus();
    }

    function show(token, tags) {
      var taken = enteredTags(input.value);
      tags = tags.filter(function (tag) { return taken.indexOf(tag.toLowerCase()) === -1; });
      list.textContent = "";
      options = tags.map(function (tag, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        css(option, { padding: "6px 12px", cursor: "pointer", whiteSpace: "nowrap" });
        var at = token ? tag.toLowerCase().indexOf(token.toLowerCase()) : -1;
        if (at >= 0) {
          var match = document.createElement("strong");
          match.textContent = tag.slice(at, at + token.length);
          option.append(tag.slice(0, at), match, tag.slice(at + token.length));
        } else {
          option.textContent = tag;
        }
        option.addEventListener("click", function () { choose(tag); });
        option.addEventListener("mousemove", function () { highlight(i); });
        list.appendChild(option);
        return option;
      });
      status.textContent = options.length ? options.length + TEXT.count : token ? TEXT.none : "";
      if (!options.length) {
        close();
        return;
      }
      active = -1;
      place();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function suggest() {
      timer = null;
      if (input.selectionStart !== input.value.length) {
        close();
        return;
      }
      var token = currentToken(input.value);
      if (Object.prototype.hasOwnProperty.call(cache, token)) {
        show(token, cache[token]);
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(token), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("tag suggestions: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          var tags = Array.isArray(data.tags) ? data.tags : [];
          cache[token] = tags;
          // Only if the editor is still typing that same tag.
          if (document.activeElement === input && currentToken(input.value) === token) {
            show(token, tags);
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            close(); // Logged out or offline: the field still works as plain text.
          }
        });
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, delay === undefined ? DELAY : delay);
    }

    input.addEventListener("input", function (event) {
      if (!event.isComposing) {
        schedule();
      }
    });
    input.addEventListener("compositionend", function () { schedule(); });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.keyCode === 229) {
        return; // An input method is choosing characters: its keys are not ours.
      }
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          highlight((active + 1) % options.length);
        } else {
          schedule(0);
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // Choose the tag, do not submit the form.
        choose(options[active].textContent);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.clearTimeout(timer);
      close();
    });
    function follow() {
      if (!list.hidden) {
        place();
      }
    }
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", follow);
    // Keep focus in the input while an option is clicked.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  }

  function init() {
    var input = document.getElementById("id_tags");
    if (input && !input.dataset.tagSuggestions) {
      input.dataset.tagSuggestions = "on";
      setUp(input);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
