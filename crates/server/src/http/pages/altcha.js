// Courier's proof-of-work solver for "Trouble signing in?" (the ALTCHA scheme).
// The page carries a signed challenge in data-challenge; this finds the number n
// with SHA-256(salt + n) == challenge, using only the browser's own crypto, and puts
// the answer (base64 JSON) in the hidden "altcha" field. Nothing leaves the page
// except with the form.
(function () {
  "use strict";
  var box = document.getElementById("pow");
  var field = document.getElementById("altcha");
  var check = document.getElementById("pow-check");
  var status = document.getElementById("pow-status");
  if (!box || !field || !check || !status || !window.crypto || !crypto.subtle) {
    return;
  }
  var form = box.closest("form");
  var challenge = JSON.parse(box.getAttribute("data-challenge"));
  var encoder = new TextEncoder();
  var solving = null;

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  async function solve() {
    var started = Date.now();
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) {
        return { number: n, took: Date.now() - started };
      }
    }
    return null;
  }

  function start() {
    if (!solving) {
      check.disabled = true;
      status.textContent = "Checking…";
      solving = solve().then(function (found) {
        if (!found) {
          status.textContent = "The check failed. Reload the page and try again.";
          return;
        }
        field.value = btoa(JSON.stringify({
          algorithm: challenge.algorithm,
          challenge: challenge.challenge,
          number: found.number,
          salt: challenge.salt,
          signature: challenge.signature,
          took: found.took
        }));
        check.checked = true;
        status.textContent = "Done.";
      });
    }
    return solving;
  }

  check.addEventListener("change", function () {
    if (check.checked && !field.value) {
      check.checked = false;
      start();
    }
  });
  form.addEventListener("submit", function (event) {
    if (!field.value) {
      event.preventDefault();
      start().then(function () {
        if (field.value) {
          form.submit();
        }
      });
    }
  });
})();
