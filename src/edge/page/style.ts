// One column on a phone, three on a wide screen; 44 px touch targets; visible focus rings.
export const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d232a;
  background:#f4f5f7}
header,main{max-width:1100px;margin:0 auto;padding:0 16px}
header h1{margin:16px 0 4px;font-size:1.5rem}
header p{margin:0 0 12px}
h2{font-size:1.1rem;margin:0 0 8px}
main{display:grid;gap:16px;grid-template-columns:1fr;padding-bottom:32px}
section{background:#fff;border:1px solid #d9dde3;border-radius:10px;padding:12px;min-width:0}
/* Tabs: Characters and Faces; each panel is its own grid (one column on a phone). */
[hidden]{display:none!important}
.panel{display:grid;gap:16px;grid-template-columns:1fr}
.tabs{display:flex;gap:4px;border-bottom:2px solid #1f5fbf;margin-bottom:-8px}
.tabs button{border-radius:6px 6px 0 0;border-bottom:0;background:#eef0f3}
.tabs button[aria-selected=true]{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
@media (min-width:900px){
  .panel.chars{grid-template-columns:300px 1fr 1fr}
  .panel.faces{grid-template-columns:1fr 1fr}
}
label{display:block;font-weight:600;margin:4px 0}
input,select{font:inherit;min-height:44px;padding:6px 8px;border:1px solid #8a939e;
  border-radius:6px;width:100%;background:#fff}
.key input{max-width:28rem}
input[type=file]{min-height:0;border:0;padding:4px 0}
button{font:inherit;min-height:44px;padding:6px 14px;border:1px solid #5b6570;border-radius:6px;
  background:#fff;color:#1d232a;cursor:pointer}
button.primary{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
button:disabled{opacity:.5;cursor:progress}
button:focus-visible,input:focus-visible,select:focus-visible,a:focus-visible{
  outline:3px solid #f0a500;outline-offset:2px}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin-top:10px}
.row label{flex-basis:100%}
.row input:not([type=file]),.row select{flex:1 1 140px;width:auto;min-width:0}
canvas{display:block;width:100%;max-width:280px;aspect-ratio:1;background:#fff;
  border:2px solid #1d232a;border-radius:6px;touch-action:none;cursor:crosshair}
.note{color:#4b5560;font-size:.9rem;margin:6px 0;font-weight:400}
/* Sticky: an error stays in view wherever the person scrolled to on a phone. */
.alert{position:sticky;top:8px;z-index:1;background:#fdecea;border:2px solid #b3261e;
  color:#7a1711;border-radius:8px;padding:10px 12px;font-weight:600}
.alert:empty{display:none}
.class-list{list-style:none;margin:0;padding:0;display:grid;gap:8px;
  grid-template-columns:repeat(auto-fill,minmax(100px,1fr))}
.class-list li{border:1px solid #d9dde3;border-radius:8px;padding:6px}
/* A class's examples: two to a row; a class read from a set shows its initial instead. */
.class-list .examples{display:grid;gap:4px;grid-template-columns:repeat(2,1fr)}
.class-list .examples:has(> :only-child){grid-template-columns:1fr}
.class-list img{display:block;width:100%;aspect-ratio:1;object-fit:contain;background:#fff;
  border:1px solid #e4e7eb}
.class-list .initial{display:grid;place-items:center;aspect-ratio:1;background:#eef0f3;
  border-radius:4px;font-size:2rem;font-weight:700;color:#5b6570}
.class-list .examples-note{margin:2px 0;font-size:.8rem}
.class-list input{min-height:36px;margin:4px 0;padding:4px 6px}
.class-list button{min-height:36px;width:100%;padding:2px 6px;margin-top:4px}
.class-list label{font-size:.8rem;font-weight:400;margin:4px 0 0}
.result .answer{font-size:1.6rem;font-weight:700;margin:10px 0 4px}
.result .answer.unknown{color:#8a5300}
.top{list-style:none;margin:8px 0 0;padding:0;position:relative}
.top li{display:grid;grid-template-columns:minmax(60px,35%) 1fr 4.5em;gap:8px;
  align-items:center;margin:4px 0}
.top .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.top .track{position:relative;height:14px;background:#eef0f3;border-radius:7px}
.top .bar{position:absolute;left:0;top:0;bottom:0;background:#1f5fbf;border-radius:7px}
.top li.over .bar{background:#9aa3ad}
.top .limit{position:absolute;top:-3px;bottom:-3px;width:2px;background:#b3261e}
.top .dist{font-variant-numeric:tabular-nums;text-align:right}
h3{font-size:1rem;margin:14px 0 6px}
/* Photos keep their own aspect ratio; boxes and names are drawn on them. */
canvas.photo,video.photo{max-width:100%;width:100%;height:auto;aspect-ratio:auto;
  cursor:default;border-width:1px;background:#1d232a;margin-top:10px}
video.photo{max-width:480px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.people-list{list-style:none;margin:0;padding:0;display:grid;gap:8px;
  grid-template-columns:repeat(auto-fill,minmax(110px,1fr))}
.people-list li{border:1px solid #d9dde3;border-radius:8px;padding:6px;min-width:0}
.people-list img{display:block;width:100%;aspect-ratio:1;object-fit:cover;background:#eef0f3;
  border-radius:4px}
.people-list .initial{display:grid;place-items:center;width:100%;aspect-ratio:1;
  background:#eef0f3;border-radius:4px;font-size:2.4rem;font-weight:700;color:#5b6570}
.people-list .name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
  margin:4px 0}
.people-list button{min-height:36px;width:100%;padding:2px 6px}
.faces-found{margin:8px 0 0;padding-left:1.4em}
.faces-found .unknown,.verdict.different{color:#8a5300}
.verdict{font-size:1.4rem;font-weight:700;margin:10px 0 4px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
  white-space:nowrap}
`
