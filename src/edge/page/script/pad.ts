// The drawing pad, in the browser. Pointer events cover mouse, touch and pen alike; pointer
// capture keeps a stroke going when it leaves the canvas. Strokes are thick and round, black on
// an opaque white background (an exported PNG must not be transparent: the model sees ink).
export const PAD_JS = `
function createPad(canvas) {
  var ctx = canvas.getContext('2d')
  var last = null
  var inked = false
  function reset() {
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, canvas.width, canvas.height)
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    ctx.strokeStyle = '#000'
    ctx.fillStyle = '#000'
    // About Omniglot's stroke width relative to its 105 px drawings, a bit bolder.
    ctx.lineWidth = Math.round(canvas.width / 22)
    inked = false
  }
  function at(e) {
    var r = canvas.getBoundingClientRect()
    var sx = canvas.width / r.width
    var sy = canvas.height / r.height
    return [(e.clientX - r.left) * sx, (e.clientY - r.top) * sy]
  }
  function dot(p) {
    ctx.beginPath()
    ctx.arc(p[0], p[1], ctx.lineWidth / 2, 0, Math.PI * 2)
    ctx.fill()
    inked = true
  }
  function lineTo(p) {
    ctx.beginPath()
    ctx.moveTo(last[0], last[1])
    ctx.lineTo(p[0], p[1])
    ctx.stroke()
    last = p
    inked = true
  }
  canvas.addEventListener('pointerdown', function (e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return
    e.preventDefault()
    canvas.setPointerCapture(e.pointerId)
    last = at(e)
    dot(last)
  })
  canvas.addEventListener('pointermove', function (e) {
    if (!last) return
    e.preventDefault()
    // Coalesced events keep fast strokes smooth where the browser batches them.
    var events = e.getCoalescedEvents ? e.getCoalescedEvents() : []
    if (!events.length) events = [e]
    for (var i = 0; i < events.length; i++) lineTo(at(events[i]))
  })
  function end() { last = null }
  canvas.addEventListener('pointerup', end)
  canvas.addEventListener('pointercancel', end)
  reset()
  return {
    reset: reset,
    isEmpty: function () { return !inked },
    /** Draws an image (a sample) scaled to the pad. */
    show: function (url) {
      return loadImage(url).then(function (img) {
        reset()
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
        inked = true
      })
    },
    /** The drawing as a PNG data: URL (canvas.toBlob, then read as base64). */
    png: function () {
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (blob) resolve(blob)
          else reject(new UiError('could not export the drawing'))
        }, 'image/png')
      }).then(readDataUrl)
    },
  }
}
function loadImage(url) {
  return new Promise(function (resolve, reject) {
    var img = new Image()
    img.onload = function () { resolve(img) }
    img.onerror = function () { reject(new UiError('could not load an image')) }
    img.src = url
  })
}
function readDataUrl(blob) {
  return new Promise(function (resolve, reject) {
    var r = new FileReader()
    r.onload = function () { resolve(String(r.result)) }
    r.onerror = function () { reject(new UiError('could not read ' + (blob.name || 'the image'))) }
    r.readAsDataURL(blob)
  })
}
`
