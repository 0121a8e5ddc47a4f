// Renders one classify result synchronously, so it shows in the frame the answer arrives.
// Bars are distances (shorter is closer); the red line is the "unknown" threshold.
export const RESULT_JS = `
function renderResult(box, r, threshold) {
  box.textContent = ''
  var answer = el('p')
  answer.className = 'answer' + (r.unknown ? ' unknown' : '')
  answer.id = 'prediction'
  answer.textContent = r.unknown ? 'unknown' : r.label
  var lead = el('p', r.unknown
    ? 'Nothing is close enough (nearest distance ' + fmt(r.distance) + ' is over the threshold' +
      (threshold != null ? ' ' + fmt(threshold) : '') + ').'
    : 'Prediction (distance ' + fmt(r.distance) + '):')
  lead.className = 'note'
  box.append(lead, answer)
  var top = r.top || []
  if (!top.length) return
  var scale = Math.max(threshold || 0, top[top.length - 1].distance, 1e-9) * 1.1
  var caption = el('p', 'Top ' + top.length + ' by distance (shorter bar is closer' +
    (threshold != null ? '; the red line is the unknown threshold' : '') + '):')
  caption.className = 'note'
  var ol = el('ol')
  ol.className = 'top'
  top.forEach(function (t) {
    var li = el('li')
    if (threshold != null && t.distance > threshold) li.className = 'over'
    var name = el('span', t.label)
    name.className = 'name'
    var track = el('span')
    track.className = 'track'
    track.setAttribute('aria-hidden', 'true')
    var bar = el('span')
    bar.className = 'bar'
    bar.style.width = Math.min(100, 100 * t.distance / scale) + '%'
    track.append(bar)
    if (threshold != null) {
      var limit = el('span')
      limit.className = 'limit'
      limit.style.left = (100 * threshold / scale) + '%'
      track.append(limit)
    }
    var dist = el('span', fmt(t.distance))
    dist.className = 'dist'
    li.append(name, track, dist)
    ol.append(li)
  })
  box.append(caption, ol)
}
function fmt(x) { return typeof x === 'number' ? x.toFixed(3) : String(x) }
`
