// The Faces tab (runs after MAIN_JS, in the same scope: $, api, action, el, loadImage,
// readDataUrl, UiError, configLoaded). One face set per browser: created by the first enrolment,
// its id kept in localStorage, deleted by "New set". Every photo (file or camera frame) is drawn
// into a canvas whose longer side is at most 1024 px and sent as JPEG (quality 0.9), so uploads
// stay far inside the API's limits (4096 px a side, 4 Mpx, 5 MB); the boxes the API answers are
// in that canvas's pixels, so they are drawn on it as they are.
export const FACES_JS = `
var FACE_SET_KEY = 'oneshot-demo.faceSet'
var MAX_SIDE = 1024
var KNOWN = '#1f5fbf'
var UNKNOWN = '#8a5300'
// { id, labels, count } of the set in use, or null before the first enrolment.
var faceSet = null
// Label -> a small crop of the face last enrolled under it (this page only, never stored).
var thumbs = {}
var stream = null
var video = $('camera-video')

function faceSay(text) { $('face-status').textContent = text }
function storedSetId() {
  try { return localStorage.getItem(FACE_SET_KEY) } catch (e) { return null }
}
function storeSetId(id) {
  try {
    if (id) localStorage.setItem(FACE_SET_KEY, id)
    else localStorage.removeItem(FACE_SET_KEY)
  } catch (e) { /* storage off: the set lasts as long as the page */ }
}
function setPath() { return '/v1/sets/' + encodeURIComponent(faceSet.id) }

function useSet(set) {
  faceSet = set ? { id: set.id, labels: (set.labels || []).slice(), count: set.count || 0 } : null
  storeSetId(set ? set.id : null)
  if (!set) thumbs = {}
  renderPeople()
}

/** The stored set, read back from the API; null (and forgotten) when it no longer exists. */
function loadStoredSet() {
  var id = storedSetId()
  if (!id) return Promise.resolve(null)
  return api('GET', '/v1/sets/' + encodeURIComponent(id)).then(function (set) {
    useSet(set)
    return set
  }, function (err) {
    if (err.status !== 404) throw err
    storeSetId(null)
    return null
  })
}

function ensureSet() {
  if (faceSet) return Promise.resolve(faceSet)
  return loadStoredSet().then(function (set) {
    return set || api('POST', '/v1/sets', { name: 'faces (demo page)', model: 'face' })
      .then(function (created) { useSet(created); return faceSet })
  })
}

/** A request on the set failed: when the set is gone (deleted elsewhere), start afresh. */
function setGone(err) {
  if (err instanceof UiError && err.status === 404 && faceSet) {
    useSet(null)
    throw new UiError('The face set no longer exists; enrol people again to create a new one.')
  }
  throw err
}

function renderPeople() {
  var note = $('face-set')
  var list = $('people')
  list.textContent = ''
  if (!faceSet) {
    note.textContent = 'No face set yet: the first enrolment creates one.'
    $('face-count').textContent = ''
    return
  }
  var n = faceSet.labels.length
  note.textContent = 'Face set ' + faceSet.id + ': ' + faceSet.count + ' photo(s) of ' + n +
    ' people. Its id stays in this browser; New set deletes it.'
  $('face-count').textContent = '(' + n + ')'
  faceSet.labels.forEach(function (label) {
    var li = el('li')
    if (thumbs[label]) {
      var img = el('img')
      img.src = thumbs[label]
      img.alt = 'The face enrolled as ' + label
      li.append(img)
    } else {
      // Enrolled on an earlier visit: the photos stay with the API, so an initial stands in.
      var initial = el('span', label.charAt(0).toUpperCase())
      initial.className = 'initial'
      initial.setAttribute('aria-hidden', 'true')
      li.append(initial)
    }
    var name = el('p', label)
    name.className = 'name'
    var forget = el('button', 'Forget')
    forget.type = 'button'
    forget.setAttribute('aria-label', 'Forget ' + label)
    forget.addEventListener('click', action(function () {
      return api('DELETE', setPath() + '/labels/' + encodeURIComponent(label)).then(function () {
        delete thumbs[label]
        return api('GET', setPath())
      }).then(function (set) {
        useSet(set)
        faceSay('Forgot ' + label + ': their photos are erased from the set.')
      }).catch(setGone)
    }))
    li.append(name, forget)
    list.append(li)
  })
}

/** Draws an image, video frame or canvas into a canvas at most MAX_SIDE px on its longer side. */
function shrink(source, width, height) {
  var scale = Math.min(1, MAX_SIDE / Math.max(width, height))
  var c = document.createElement('canvas')
  c.width = Math.max(1, Math.round(width * scale))
  c.height = Math.max(1, Math.round(height * scale))
  c.getContext('2d').drawImage(source, 0, 0, c.width, c.height)
  return c
}
/** A photo to send: { canvas (what the API sees), image (a JPEG data: URL of it) }. */
function photoFrom(source, width, height) {
  if (!width || !height) return Promise.reject(new UiError('The image is empty.'))
  var canvas = shrink(source, width, height)
  return new Promise(function (resolve, reject) {
    canvas.toBlob(function (blob) {
      if (blob) resolve(blob)
      else reject(new UiError('Could not encode the photo as JPEG.'))
    }, 'image/jpeg', 0.9)
  }).then(readDataUrl).then(function (image) { return { canvas: canvas, image: image } })
}
function photoFromFile(file) {
  var url = URL.createObjectURL(file)
  return loadImage(url).then(function (img) {
    URL.revokeObjectURL(url)
    return photoFrom(img, img.naturalWidth, img.naturalHeight)
  }, function () {
    URL.revokeObjectURL(url)
    throw new UiError('Could not read ' + file.name + ' as an image (JPEG or PNG).')
  })
}
function takeFiles(id) {
  var input = $(id)
  var files = Array.prototype.slice.call(input.files || [])
  input.value = '' // the same file may be chosen again
  return files
}

/**
 * Shows a photo on a canvas with a box and a caption per face: { box, color, text }. The canvas
 * is drawn at the resolution it is shown at (at least the photo's), so captions stay sharp.
 */
function drawFaces(target, photo, faces) {
  var src = photo.canvas
  target.hidden = false
  target.width = src.width
  target.height = src.height
  var shown = target.getBoundingClientRect().width || src.width
  var k = Math.max(1, Math.min(4, shown * (window.devicePixelRatio || 1) / src.width))
  target.width = Math.round(src.width * k)
  target.height = Math.round(src.height * k)
  var px = target.width / shown // canvas pixels per CSS pixel
  var ctx = target.getContext('2d')
  ctx.drawImage(src, 0, 0, target.width, target.height)
  var size = Math.round(13 * px)
  var pad = Math.round(3 * px)
  ctx.font = '600 ' + size + 'px system-ui, sans-serif'
  ctx.textBaseline = 'bottom'
  faces.forEach(function (f) {
    if (!f.box) return
    var x = f.box.x * k
    var y = f.box.y * k
    var w = f.box.width * k
    var h = f.box.height * k
    ctx.lineWidth = Math.max(2, Math.round(3 * px))
    ctx.strokeStyle = f.color
    ctx.strokeRect(x, y, w, h)
    if (!f.text) return
    var tw = ctx.measureText(f.text).width + 2 * pad
    var th = size + 2 * pad
    var tx = Math.max(0, Math.min(x, target.width - tw))
    var ty = y - th >= 0 ? y - th : Math.min(y + h, target.height - th)
    ctx.fillStyle = f.color
    ctx.fillRect(tx, ty, tw, th)
    ctx.fillStyle = '#fff'
    ctx.fillText(f.text, tx + pad, ty + th - pad)
  })
}

/** A square crop around a box (with some margin), as a small JPEG data: URL. */
function faceThumb(photo, box) {
  var side = Math.max(box.width, box.height) * 1.3
  var cx = box.x + box.width / 2
  var cy = box.y + box.height / 2
  var c = document.createElement('canvas')
  c.width = c.height = 112
  var ctx = c.getContext('2d')
  ctx.fillStyle = '#eef0f3'
  ctx.fillRect(0, 0, c.width, c.height)
  ctx.drawImage(photo.canvas, cx - side / 2, cy - side / 2, side, side, 0, 0, c.width, c.height)
  return c.toDataURL('image/jpeg', 0.85)
}

function sim(x) { return typeof x === 'number' ? Math.round(x) : '?' }
function faceName(f) { return f.unknown || !f.label ? 'unknown' : f.label }

function enrol(photos, label) {
  if (!label) throw new UiError('Enter the person' + "'" + 's name first.')
  if (!photos.length) throw new UiError('Choose a photo of ' + label + ' first.')
  return ensureSet().then(function () {
    var examples = photos.map(function (p) { return { label: label, image: p.image } })
    return api('POST', setPath() + '/examples', { examples: examples }).catch(setGone)
  }).then(function (out) {
    var boxes = out.boxes || []
    var last = photos.length - 1
    if (boxes[last]) thumbs[label] = faceThumb(photos[last], boxes[last])
    faceSet.count = out.count
    if (faceSet.labels.indexOf(label) < 0) {
      faceSet.labels.push(label)
      faceSet.labels.sort()
    }
    renderPeople()
    faceSay('Enrolled ' + photos.length + ' photo(s) of ' + label + '.')
  })
}

function clearIdentified() {
  $('identify-result').textContent = ''
  $('identify-canvas').hidden = true
}
function identify(photo) {
  var box = $('identify-result')
  clearIdentified()
  return ensureKnown().then(function () {
    var path = setPath() + '/classify?consistency=strong'
    return api('POST', path, { images: [photo.image], k: 3 }).catch(setGone)
  }).then(function (out) {
    var r = out.results[0]
    var faces = r.faces || (r.box ? [r] : [])
    drawFaces($('identify-canvas'), photo, faces.map(function (f) {
      return { box: f.box, color: f.unknown ? UNKNOWN : KNOWN,
        text: faceName(f) + ' ' + sim(f.similarity) }
    }))
    renderFaces(box, faces)
  })
}
function ensureKnown() {
  return (faceSet ? Promise.resolve(faceSet) : loadStoredSet()).then(function (set) {
    if (!set || !faceSet.labels.length) throw new UiError('Enrol at least one person first.')
  })
}

/** The faces found, largest first: a headline for the largest, then one line per face. */
function renderFaces(box, faces) {
  var answer = el('p')
  answer.id = 'identify-answer'
  if (!faces.length) {
    answer.className = 'answer unknown'
    answer.textContent = 'No face found'
    box.append(answer)
    return
  }
  var first = faces[0]
  answer.className = 'answer' + (first.unknown ? ' unknown' : '')
  answer.textContent = faceName(first)
  var lead = el('p', faces.length === 1 ? 'One face; similarity above 50 of 100 is a match:'
    : faces.length + ' faces, largest first; similarity above 50 of 100 is a match:')
  lead.className = 'note'
  var ol = el('ol')
  ol.className = 'faces-found'
  faces.forEach(function (f) {
    var li = el('li')
    var name = el('strong', faceName(f))
    if (f.unknown) name.className = 'unknown'
    var nearest = f.top && f.top[0]
    var more = f.unknown && nearest ? ' (closest: ' + nearest.label + ')' : ''
    li.append(name, document.createTextNode(': similarity ' + sim(f.similarity) + more))
    ol.append(li)
  })
  box.append(answer, lead, ol)
}

function verify(fileA, fileB) {
  var out = $('verify-result')
  out.textContent = ''
  $('verify-canvas-a').hidden = true
  $('verify-canvas-b').hidden = true
  return Promise.all([photoFromFile(fileA), photoFromFile(fileB)]).then(function (p) {
    var body = { a: p[0].image, b: p[1].image, model: 'face' }
    return api('POST', '/v1/verify', body).then(function (v) {
      var color = v.same ? KNOWN : UNKNOWN
      var boxes = v.boxes || {}
      drawFaces($('verify-canvas-a'), p[0], [{ box: boxes.a, color: color, text: '' }])
      drawFaces($('verify-canvas-b'), p[1], [{ box: boxes.b, color: color, text: '' }])
      var verdict = el('p', v.same ? 'Same person' : 'Different people')
      verdict.id = 'verify-answer'
      verdict.className = 'verdict' + (v.same ? '' : ' different')
      var detail = el('p', 'Similarity ' + sim(v.similarity) + ' of 100 (above 50: the same ' +
        'person; distance ' + fmt(v.distance) + ', threshold ' + fmt(v.threshold) + ').')
      detail.className = 'note'
      out.append(verdict, detail)
    })
  })
}

$('face-enrol').addEventListener('click', action(function () {
  var label = $('face-name').value.trim()
  if (!label) throw new UiError('Enter the person' + "'" + 's name first.')
  var files = takeFiles('face-photo')
  if (!files.length) throw new UiError('Choose a photo of ' + label + ' first.')
  return Promise.all(files.map(photoFromFile)).then(function (photos) {
    return enrol(photos, label)
  }).then(function () { $('face-name').value = '' })
}))

$('face-new-set').addEventListener('click', action(function () {
  var old = faceSet ? faceSet.id : storedSetId()
  useSet(null)
  clearIdentified()
  if (!old) { faceSay('The next enrolment creates a new face set.'); return }
  return api('DELETE', '/v1/sets/' + encodeURIComponent(old)).catch(function (err) {
    if (err.status !== 404) throw err
  }).then(function () {
    faceSay('Deleted the old face set and its photos; the next enrolment creates a new one.')
  })
}))

$('identify-photo').addEventListener('change', action(function () {
  var file = takeFiles('identify-photo')[0]
  clearIdentified() // no answer about the previous photo beside this one
  if (!file) return
  return photoFromFile(file).then(identify)
}))

$('verify').addEventListener('click', action(function () {
  var a = $('verify-a').files[0]
  var b = $('verify-b').files[0]
  if (!a || !b) throw new UiError('Choose two photos to compare.')
  return verify(a, b)
}))

// The camera: a live preview; a capture button sends one frame, shrunk like an upload.
function cameraError(err) {
  var name = err && err.name
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new UiError('The camera is blocked for this page; allow it in the browser, or upload ' +
      'a photo instead.')
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new UiError('No camera found; upload a photo instead.')
  if (name === 'NotReadableError')
    return new UiError('The camera is busy (another application is using it).')
  return new UiError('Could not start the camera' + (err && err.message ? ': ' + err.message : '.'))
}
function startCamera() {
  if (stream) return Promise.resolve()
  var media = navigator.mediaDevices
  if (!media || !media.getUserMedia)
    return Promise.reject(new UiError('No camera here: this browser offers none to this page ' +
      '(cameras need HTTPS or localhost). Upload a photo instead.'))
  $('camera-status').textContent = 'Starting the camera...'
  return media.getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 } }, audio: false })
    .then(function (s) {
      stream = s
      video.srcObject = s
      video.hidden = false
      return Promise.resolve(video.play()).catch(function () {}).then(frameReady)
    }, function (err) {
      $('camera-status').textContent = 'Camera off.'
      throw cameraError(err)
    }).then(function () {
      $('camera-status').textContent = 'Camera on (' + video.videoWidth + 'x' +
        video.videoHeight + '). Capture a frame below.'
    })
}
function frameReady() {
  return new Promise(function (resolve, reject) {
    if (video.readyState >= 2 && video.videoWidth) return resolve()
    var timer = setTimeout(function () {
      reject(new UiError('The camera sent no picture.'))
    }, 5000)
    video.addEventListener('loadeddata', function () { clearTimeout(timer); resolve() },
      { once: true })
  })
}
function stopCamera() {
  if (!stream) return
  stream.getTracks().forEach(function (t) { t.stop() })
  stream = null
  video.srcObject = null
  video.hidden = true
  $('camera-status').textContent = 'Camera off.'
}
function captureFrame() {
  if (!stream) throw new UiError('Start the camera first.')
  return frameReady().then(function () {
    return photoFrom(video, video.videoWidth, video.videoHeight)
  })
}

$('camera-start').addEventListener('click', action(startCamera))
$('camera-stop').addEventListener('click', function () { stopCamera() })
$('camera-enrol').addEventListener('click', action(function () {
  var label = $('face-name').value.trim()
  if (!label) throw new UiError('Enter the person' + "'" + 's name (under Enrol people) first.')
  return Promise.resolve(captureFrame()).then(function (photo) { return enrol([photo], label) })
}))
$('camera-identify').addEventListener('click', action(function () {
  clearIdentified()
  return Promise.resolve(captureFrame()).then(identify)
}))

// A set remembered from an earlier visit: list its people once the key is known.
configLoaded.then(function () {
  if (keyInput.value.trim() && storedSetId()) return loadStoredSet()
}).catch(function () {})
`
