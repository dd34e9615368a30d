// The web chat: sends the question, shows the answer with its buttons and links.
// Text is always inserted as text nodes (never as HTML).
"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  const LINK = /(https?:\/\/[^\s)]+|\b[a-z0-9-]+\.(?:org|gov|com|edu)\b(?:\/[^\s)]*)?)/gi;

  function inline(parent, text) {
    // **bold** and links; everything else as plain text.
    text.split(/(\*\*[^*]+\*\*)/).forEach(function (part) {
      if (/^\*\*[^*]+\*\*$/.test(part)) {
        const b = document.createElement("strong");
        b.textContent = part.slice(2, -2);
        parent.appendChild(b);
        return;
      }
      let last = 0;
      part.replace(LINK, function (match, _g, offset) {
        parent.appendChild(document.createTextNode(part.slice(last, offset)));
        const a = document.createElement("a");
        a.href = match.startsWith("http") ? match : "https://" + match;
        a.textContent = match;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        parent.appendChild(a);
        last = offset + match.length;
        return match;
      });
      parent.appendChild(document.createTextNode(part.slice(last)));
    });
  }

  function add(who, text, buttons) {
    const box = document.createElement("div");
    box.className = "msg " + who;
    String(text || "").split(/\n\s*\n/).forEach(function (para) {
      const p = document.createElement("p");
      inline(p, para);
      box.appendChild(p);
    });
    if (buttons && buttons.length) {
      const group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      buttons.forEach(function (b) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(btn);
      });
      box.appendChild(group);
    }
    log.appendChild(box);
    box.scrollIntoView({ block: "end" });
  }

  async function send(message, shown) {
    add("me", shown || message);
    status.textContent = "Looking that up…";
    form.setAttribute("aria-busy", "true");
    try {
      const res = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message: message }),
      });
      const data = await res.json();
      (data.messages || []).forEach(function (m) { add("bot", m.text, m.buttons); });
      status.textContent = "";
    } catch (err) {
      add("bot", "I'm having trouble right now. Please try again in a minute.");
      status.textContent = "";
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { status.textContent = "Please type a question first."; input.focus(); return; }
    input.value = "";
    send(text);
    input.focus();
  });
})();
