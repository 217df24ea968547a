// Tag suggestions for the posting form, as the author types. The form
// works without this script: its <datalist>s are filled by the server when
// the form is shown again. Each tag field names its kind in
// data-suggest-kind; its list is completed with tags that begin with the
// last comma-separated name typed, each option holding the whole field's
// value so that choosing one keeps the names before it.
"use strict";
(function () {
  var fields = document.querySelectorAll("input[data-suggest-kind]");
  Array.prototype.forEach.call(fields, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    var timer = 0;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value;
        var cut = value.lastIndexOf(",");
        var head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
        var last = value.slice(cut + 1).trim();
        if (last.length < 2 || last === asked) {
          return;
        }
        asked = last;
        var url = "/tags/suggest?kind=" + encodeURIComponent(input.getAttribute("data-suggest-kind")) +
          "&q=" + encodeURIComponent(last);
        fetch(url, { credentials: "omit" }).then(function (resp) {
          return resp.ok ? resp.json() : [];
        }).then(function (names) {
          list.textContent = "";
          names.forEach(function (name) {
            var option = document.createElement("option");
            option.value = head.replace(/^\s+/, "") + name;
            list.appendChild(option);
          });
        }).catch(function () {});
      }, 200);
    });
  });
})();
