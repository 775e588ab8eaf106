"""The inline CSS and script of ``audit.html`` (no request: everything the page needs is in it)."""

CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--consistent:#1a7f37;--inconsistent:#cf222e;
--undetermined:#9a6700;--not_checkable:#6e7781}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg)}
header.top,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}header.top p{color:var(--muted);margin-top:0}
h1{font-size:1.6rem;margin:18px 0 4px}h2{font-size:1.25rem;margin:28px 0 6px;border-bottom:1px solid var(--line);padding-bottom:4px}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid var(--line);padding:4px 8px;text-align:right}
th[scope=row]{text-align:left}thead th{text-align:right}.table-wrap{overflow-x:auto}
.status{font-weight:600}.status.ok{color:var(--consistent)}.status.bad{color:var(--inconsistent)}
.chart svg,.plot-wrap svg,.forest-wrap svg,.km-wrap svg,.before-after-wrap svg,.grim-summary-wrap svg{max-width:100%;height:auto}.chart figcaption,table.counts caption{color:var(--muted);font-size:.85rem;text-align:left;caption-side:bottom;padding-top:4px}.chart{margin:0;flex:1 1 320px;max-width:480px}.overview{display:flex;flex-wrap:wrap;gap:16px 32px;align-items:center}
.forest-wrap{overflow-x:auto}.forest-wrap svg{min-width:560px}
ul.attention{padding-left:1.2em}ul.attention li{margin:4px 0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap}
.badge.v-consistent{background:var(--consistent)}.badge.v-inconsistent{background:var(--inconsistent)}
.badge.v-undetermined{background:var(--undetermined)}.badge.v-not_checkable{background:var(--not_checkable)}
.tag{margin-left:6px;font-size:.8rem;border:1px solid currentColor;border-radius:10px;padding:0 6px;white-space:nowrap}
.tag.finding{color:#8250df}.tag.unexpected{color:var(--inconsistent);font-weight:700}
#filters{position:sticky;top:0;z-index:2;background:var(--soft);border:1px solid var(--line);border-radius:8px;
padding:8px 12px;margin:18px 0;display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center}
#filters fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px 12px}#filters legend{float:left;margin-right:8px;color:var(--muted)}
#filters input[type=search]{min-width:14em;padding:3px 6px}#shown{color:var(--muted);font-size:.9rem}
.claim{border:1px solid var(--line);border-left:5px solid var(--not_checkable);border-radius:8px;padding:10px 14px;margin:12px 0}
.claim.v-consistent{border-left-color:var(--consistent)}.claim.v-inconsistent{border-left-color:var(--inconsistent);background:#fff8f8}
.claim.v-undetermined{border-left-color:var(--undetermined)}
.claim header{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}.claim h3{margin:0;font-size:1rem}
.claim h3 code{font-size:.95rem}.meta{color:var(--muted);font-size:.85rem}
blockquote.context{margin:8px 0;padding:6px 12px;border-left:3px solid var(--line);color:var(--muted);background:var(--soft)}
mark{background:#fff3b0;color:var(--ink);padding:0 2px;border-radius:2px}
.body{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
dl.values{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0;flex:1 1 320px;min-width:0}
dl.values dt{color:var(--muted)}dl.values dd{margin:0;overflow-wrap:anywhere}dl.values ul{margin:0;padding:0;list-style:none}
.plot-wrap{margin:0;flex:0 1 330px}.figures{display:flex;flex-wrap:wrap;gap:4px 28px;align-items:flex-start;margin:8px 0 16px}.figures>*{min-width:0;max-width:100%}.figures figure{margin:8px 0}.figures figcaption{color:var(--muted);font-size:.85rem;max-width:680px}.km-wrap{flex:0 1 490px}.before-after-wrap{flex:0 1 540px}.grim-summary-wrap{flex:1 1 100%}.grim-summary-wrap summary{font-size:.95rem}.grim-summary-wrap figure{overflow-x:auto}.grim-summary-wrap svg{min-width:520px}.results{flex:1 1 360px;min-width:0}.result{margin:6px 0}.result+.result{border-top:1px dashed var(--line);padding-top:6px}.result h4{margin:2px 0;font-size:.9rem;font-weight:600;display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}.result h4 .basis{color:var(--muted)}.see-figure{font-size:.85rem;color:var(--muted);margin:4px 0}
.explanation{margin:6px 0}ul.checks{padding-left:1.2em}ul.checks li{margin:2px 0}.check{font-weight:600}
.v-text{font-weight:600}.v-text.v-consistent{color:var(--consistent)}.v-text.v-inconsistent{color:var(--inconsistent)}
.v-text.v-undetermined{color:var(--undetermined)}.v-text.v-not_checkable{color:var(--not_checkable)}.expectation{margin:6px 0;color:#8250df}
details pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:var(--soft);padding:8px;border-radius:6px}
summary{cursor:pointer;color:var(--muted);font-size:.85rem}.km-missing{padding:8px 12px;border:1px dashed var(--line);color:var(--muted)}
footer{color:var(--muted);font-size:.85rem;margin:32px auto 24px}
@media (max-width:600px){body{font-size:14px}table{font-size:.75rem}th,td{padding:2px 4px}th .badge{font-size:.7rem;padding:0 5px}#filters{position:static}#filters input[type=search]{min-width:0;width:100%}
.claim{padding:8px 10px}.meta{flex-basis:100%}}
@media print{#filters,details{display:none}.claim{break-inside:avoid}}
"""

JS = """
(function () {
  var claims = Array.prototype.slice.call(document.querySelectorAll('.claim'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#filters input[name=verdict]'));
  var source = document.getElementById('source-filter'), search = document.getElementById('search');
  var shown = document.getElementById('shown');
  function apply() {
    var on = {}, s = source.value, q = search.value.trim().toLowerCase(), n = 0;
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    claims.forEach(function (c) {
      var ok = on[c.dataset.verdict] && (!s || c.dataset.source === s) && (!q || c.textContent.toLowerCase().indexOf(q) >= 0);
      c.hidden = !ok; if (ok) n++;
    });
    document.querySelectorAll('section.source').forEach(function (sec) { sec.hidden = !!s && sec.dataset.source !== s; });
    shown.textContent = n + ' of ' + claims.length + ' claims shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  source.addEventListener('change', apply);
  search.addEventListener('input', apply);
  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
})();
"""
