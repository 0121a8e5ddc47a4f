// Wires the page: key, pad, classes, teach, classify, samples. Each action clears the alert,
// disables the buttons while it runs, and puts any failure's message in the alert region.
export const MAIN_JS = `
function $(id) { return document.getElementById(id) }
var main = document.querySelector('main')
var MAX = Number(main.dataset.maxClasses || 20)
var alertBox = $('alert')
var statusBox = $('status')
var keyInput = $('key')
var api = createApi(keyInput)
var pad = createPad($('pad'))
// The set the classes were last taught as; null when there is none or the classes changed.
var taught = null
var staleSet = null
var classes = createClasses($('classes'), $('count'), MAX, function () {
  if (taught) staleSet = taught.id
  taught = null
  $('result').textContent = '' // an answer about other classes
})
var samples = null
var sampleQuery = 0
// Every button but the tabs waits while an action runs (one request at a time).
var buttons = Array.prototype.slice.call(document.querySelectorAll('button:not([role=tab])'))

function say(text) { statusBox.textContent = text }
function action(fn) {
  return function () {
    alertBox.textContent = ''
    buttons.forEach(function (b) { b.disabled = true })
    main.setAttribute('aria-busy', 'true')
    return Promise.resolve().then(fn).catch(function (err) {
      alertBox.textContent = err instanceof UiError ? err.message : 'Unexpected error: ' + err
    }).then(function () {
      buttons.forEach(function (b) { b.disabled = false })
      main.removeAttribute('aria-busy')
    })
  }
}

$('clear').addEventListener('click', function () { pad.reset() })

$('add-class').addEventListener('click', action(function () {
  if (pad.isEmpty()) throw new UiError('Draw something on the pad first.')
  var nameInput = $('class-name')
  var label = nameInput.value.trim() || 'class ' + (classes.items().length + 1)
  return pad.png().then(function (image) {
    classes.add(label, image)
    pad.reset()
    nameInput.value = ''
    say('Added "' + label + '". Draw the next class, or press Teach.')
  })
}))

$('upload').addEventListener('change', action(function () {
  var input = $('upload')
  var files = Array.prototype.slice.call(input.files || [])
  input.value = ''
  var room = MAX - classes.items().length
  if (files.length > room) throw new UiError('At most ' + MAX + ' classes; ' + room + ' left.')
  // Labels come from file names; the API checks them (and the images) when teaching.
  return Promise.all(files.map(readDataUrl)).then(function (urls) {
    urls.forEach(function (url, i) {
      classes.add(files[i].name.replace(/\\.[^.]*$/, '').slice(0, 64) || 'image ' + (i + 1), url)
    })
    say('Added ' + files.length + ' uploaded image(s).')
  })
}))

$('remove-all').addEventListener('click', function () { classes.clear(); say('') })

function teach() {
  var items = classes.items()
  if (items.length < 2) throw new UiError('Add at least two classes to teach.')
  var old = staleSet
  staleSet = null
  // The previous set is replaced, so it is deleted (best effort: sets count against a quota).
  var cleanup = old ? api('DELETE', '/v1/sets/' + encodeURIComponent(old)).catch(function () {}) :
    Promise.resolve()
  return cleanup.then(function () {
    return api('POST', '/v1/sets', { name: 'demo page' })
  }).then(function (set) {
    var examples = items.map(function (c) { return { label: c.label.trim(), image: c.image } })
    var path = '/v1/sets/' + encodeURIComponent(set.id)
    return api('POST', path + '/examples', { examples: examples }).then(function () {
      return set.threshold != null ? set.threshold :
        api('GET', '/v1/models').then(function (m) {
          var model = (m.models || []).filter(function (x) { return x.id === set.model })[0]
          return model && model.threshold ? model.threshold.distance : null
        }, function () { return null })
    }, function (err) {
      api('DELETE', path).catch(function () {})
      throw err
    }).then(function (threshold) {
      taught = { id: set.id, threshold: threshold }
      say('Taught ' + items.length + ' classes (set ' + set.id + '). Draw a query and press ' +
        'Classify.')
    })
  })
}

$('teach').addEventListener('click', action(function () {
  return teach().then(function () { pad.reset() })
}))

$('classify').addEventListener('click', action(function () {
  $('result').textContent = ''
  if (pad.isEmpty()) throw new UiError('Draw a query on the pad first.')
  return (taught ? Promise.resolve() : teach()).then(function () {
    return pad.png()
  }).then(function (image) {
    var k = Math.min(5, classes.items().length)
    var path = '/v1/sets/' + encodeURIComponent(taught.id) + '/classify'
    return api('POST', path, { images: [image], k: k, mode: 'nearest' })
  }).then(function (out) {
    renderResult($('result'), out.results[0], taught.threshold)
  })
}))

$('example').addEventListener('click', action(function () {
  var load = samples ? Promise.resolve(samples) : fetch('/demo/samples.json').then(function (r) {
    if (!r.ok) throw new UiError('Could not load the sample drawings (' + r.status + ').')
    return r.json()
  })
  return load.then(function (s) {
    samples = s
    classes.clear()
    s.classes.forEach(function (c) { classes.add(c.label, 'data:image/png;base64,' + c.png) })
    var q = s.queries[sampleQuery++ % s.queries.length]
    return pad.show('data:image/png;base64,' + q.png).then(function () {
      say('Loaded ' + s.classes.length + ' sample classes, and another drawing of "' + q.label +
        '" on the pad. Press Classify (it teaches first).')
    })
  })
}))

// The dev key is offered only by a local wrangler dev (see /demo/config); never stored.
// Settles (never rejects) once the key field holds what it will start with.
var configLoaded = fetch('/demo/config').then(function (r) { return r.ok ? r.json() : {} }).then(function (cfg) {
  if (cfg.devKey && !keyInput.value) {
    keyInput.value = cfg.devKey
    $('key-note').textContent = 'Prefilled with the local development key (DEV_API_KEY).'
  } else if (!keyInput.value) {
    $('key-note').textContent = 'Enter your API key; it stays in this page only.'
  }
}).catch(function () {})
`
