"""The review workbench's style and its one small script (the keys), inlined into every page."""

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430; background: #f6f7f9; }
header { display: flex; gap: 1.2em; align-items: baseline; padding: .6em 1.2em; background: #1f3b57; color: #fff; }
header a { color: #cfe3f7; margin-right: .8em; } header a.active { color: #fff; font-weight: 600; text-decoration: none; }
header .store { font-family: ui-monospace, monospace; opacity: .8; } header .curator { margin-left: auto; }
main { padding: .8em 1.2em 3em; }
nav.status a { display: inline-block; padding: .25em .7em; margin: 0 .2em .4em 0; border: 1px solid #c5ccd6;
  border-radius: 1em; text-decoration: none; color: #1f3b57; background: #fff; }
nav.status a.active { background: #1f3b57; color: #fff; } nav.status a span { opacity: .7; }
nav.status a.sample { border-color: #b7791f; color: #8a5a14; }
form.filters { display: flex; flex-wrap: wrap; gap: .4em .9em; align-items: center; padding: .5em .7em; background: #fff;
  border: 1px solid #dde2e8; border-radius: 6px; }
.summary, .keys { color: #4a5564; } kbd { border: 1px solid #aab; border-radius: 3px; padding: 0 .3em; font-size: 90%; background: #fff; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .3em .5em; vertical-align: top; }
thead th { position: sticky; top: 0; background: #e9edf2; border-bottom: 2px solid #c5ccd6; }
thead th a { color: inherit; text-decoration: none; }
tbody.finding { border-top: 1px solid #dde2e8; } tbody.finding tr.body td { padding-top: 0; }
tbody.finding.current { outline: 2px solid #2b6cb0; outline-offset: -2px; background: #f3f8fe; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.id code { font-size: 92%; }
td.status.accepted { color: #1e7b34; } td.status.rejected { color: #b02a2a; } td.status.pending { color: #8a5a14; }
ins { text-decoration: none; background: #fff3bf; } del { color: #8894a3; }
details.evidence summary { cursor: pointer; color: #384454; } details.evidence ol { margin: .3em 0 .5em; }
details.evidence li { margin-bottom: .35em; } mark { background: #ffe58f; padding: 0 .1em; }
.flag { font-size: 85%; color: #b02a2a; border: 1px solid #e3b5b5; border-radius: 3px; padding: 0 .25em; }
form.decide { display: flex; flex-wrap: wrap; gap: .35em; align-items: center; margin: .2em 0 .4em; }
form.decide details.correct[open] { flex-basis: 100%; } form.decide details.correct summary { cursor: pointer; color: #384454; }
button { font: inherit; padding: .15em .6em; border: 1px solid #a9b3bf; border-radius: 4px; background: #fff; cursor: pointer; }
button.accepted { border-color: #3c9a52; } button.rejected { border-color: #c45353; }
.note { color: #384454; font-style: italic; } .empty { padding: 2em; color: #4a5564; }
nav.pager a { margin-right: 1em; } section.message { max-width: 46em; background: #fff; padding: 1em 1.5em; border: 1px solid #e3b5b5; }
a.button { display: inline-block; padding: .3em .8em; border: 1px solid #b7791f; border-radius: 4px; text-decoration: none; }
#precision { width: auto; } #precision tr.all { font-weight: 600; border-top: 2px solid #c5ccd6; }
"""

# j/k move between findings, a/r press the current finding's Accept/Reject, n goes to its note. After a decision the
# server sends the browser back to the list at #f-<next id>, which becomes the current finding.
SCRIPT = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("tbody.finding"));
  if (!rows.length) { return; }
  var current = 0;
  function select(index) {
    if (index < 0 || index >= rows.length) { return; }
    rows[current].classList.remove("current");
    current = index;
    rows[current].classList.add("current");
    rows[current].scrollIntoView({block: "nearest"});
  }
  var wanted = location.hash.slice(1);
  rows.forEach(function (row, index) {
    if (row.id === wanted) { current = index; }
    row.addEventListener("click", function () { select(index); });
  });
  select(current);
  function press(status) {
    var form = rows[current].querySelector("form.decide");
    var button = form.querySelector('button[name="status"][value="' + status + '"]');
    if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, button")) {
      if (event.key === "Escape") { target.blur(); }
      if (target.tagName !== "BUTTON") { return; }
    }
    var keys = {
      j: function () { select(current + 1); }, k: function () { select(current - 1); },
      a: function () { press("accepted"); }, r: function () { press("rejected"); },
      n: function () { rows[current].querySelector('input[name="note"]').focus(); }
    };
    if (!keys.hasOwnProperty(event.key)) { return; }
    event.preventDefault();
    keys[event.key]();
  });
})();
"""
