import { LIMITS } from '../limits'
import { FACES_HTML } from './faces-html'

/** Most classes the page lets a person add (issue #5). */
export const MAX_CLASSES = 20

// Plain HTML: every control is a native element (buttons are <button>, inputs have <label>s),
// so keyboard and screen-reader use come for free. Behaviour lives in /demo/app.js.
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>One-shot classifier demo</title>
<link rel="stylesheet" href="/demo/app.css">
<script src="/demo/app.js" defer></script>
</head>
<body>
<header>
  <h1>One-shot classifier</h1>
  <p>Teach it new characters from one drawing each, or new people from one photo each, then ask
  who or which it is. Everything goes through the public API (<a href="/docs">/docs</a>).</p>
</header>
<main data-max-classes="${MAX_CLASSES}" data-max-label="${LIMITS.labelLength}">
  <div id="alert" class="alert" role="alert"></div>
  <section class="key" aria-labelledby="h-key">
    <h2 id="h-key">API key</h2>
    <label for="key">Bearer key for /v1</label>
    <input id="key" type="password" autocomplete="off" spellcheck="false">
    <p id="key-note" class="note"></p>
  </section>
  <div class="tabs" role="tablist" aria-label="Demos">
    <button id="tab-chars" type="button" role="tab" aria-controls="panel-chars"
      aria-selected="true">Characters</button>
    <button id="tab-faces" type="button" role="tab" aria-controls="panel-faces"
      aria-selected="false" tabindex="-1">Faces</button>
  </div>
  <div id="panel-chars" class="panel chars" role="tabpanel" aria-labelledby="tab-chars">
  <section class="draw" aria-labelledby="h-draw">
    <h2 id="h-draw">1. Draw</h2>
    <canvas id="pad" width="280" height="280" role="img"
      aria-label="Drawing pad: draw one character with a mouse, finger or pen"></canvas>
    <div class="row">
      <button id="clear" type="button">Clear drawing</button>
    </div>
    <div class="row">
      <label for="class-name">Class name (a listed name gets another example)</label>
      <input id="class-name" maxlength="${LIMITS.labelLength}" placeholder="e.g. circle"
        autocomplete="off">
      <button id="add-class" type="button">Add drawing to class</button>
    </div>
    <div class="row">
      <label for="upload">Or upload images (PNG or JPEG): one class each, named after the file, or
        all into the class named above</label>
      <input id="upload" type="file" accept="image/png,image/jpeg" multiple>
    </div>
  </section>
  <section class="classes" aria-labelledby="h-classes">
    <h2 id="h-classes">2. Classes <span id="count" class="note"></span></h2>
    <div class="row">
      <label for="set-select">Support set (Teach makes it hold these classes; Classify asks
        it)</label>
      <select id="set-select">
        <option value="">New set (the next Teach creates one)</option>
      </select>
      <button id="set-delete" type="button">Delete set</button>
    </div>
    <ol id="classes" class="class-list"></ol>
    <div class="row">
      <button id="teach" type="button" class="primary">Teach</button>
      <button id="example" type="button">Try an example</button>
      <button id="remove-all" type="button">Remove all</button>
    </div>
    <p id="status" class="note" role="status"></p>
  </section>
  <section class="query" aria-labelledby="h-query">
    <h2 id="h-query">3. Classify</h2>
    <p class="note">Draw a query on the pad, then ask.</p>
    <button id="classify" type="button" class="primary">Classify drawing</button>
    <div class="row">
      <label for="query-upload">Or upload a query image (PNG or JPEG): it goes on the pad and is
        classified</label>
      <input id="query-upload" type="file" accept="image/png,image/jpeg">
    </div>
    <div id="result" class="result" aria-live="polite"></div>
  </section>
  </div>
  <div id="panel-faces" class="panel faces" role="tabpanel" aria-labelledby="tab-faces" hidden>
${FACES_HTML}
  </div>
</main>
</body>
</html>
`
