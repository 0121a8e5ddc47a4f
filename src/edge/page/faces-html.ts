import { LIMITS } from '../limits'

// The Faces tab: enrol people into one face set (created on first use, its id kept in
// localStorage), identify every face of a photo, verify two photos, and a camera that feeds a
// frame into enrol or identify. Photos are shrunk in the browser before upload (faces.ts).
export const FACES_HTML = `  <section class="people" aria-labelledby="h-people">
    <h2 id="h-people">1. Enrol people</h2>
    <p id="face-set" class="note">No face set yet: the first enrolment creates one.</p>
    <div class="row">
      <label for="face-name">Name</label>
      <input id="face-name" maxlength="${LIMITS.labelLength}" placeholder="e.g. Ada"
        autocomplete="off">
    </div>
    <div class="row">
      <label for="face-photo">Photo(s) of them (JPEG or PNG; the largest face is enrolled)</label>
      <input id="face-photo" type="file" accept="image/jpeg,image/png" multiple>
    </div>
    <div class="row">
      <button id="face-enrol" type="button" class="primary">Enrol</button>
      <button id="face-new-set" type="button">New set</button>
    </div>
    <p id="face-status" class="note" role="status"></p>
    <h3 id="h-enrolled">Enrolled <span id="face-count" class="note"></span></h3>
    <ul id="people" class="people-list" aria-labelledby="h-enrolled"></ul>
  </section>
  <section class="identify" aria-labelledby="h-identify">
    <h2 id="h-identify">2. Identify</h2>
    <div class="row">
      <label for="identify-photo">A photo to identify (every face in it)</label>
      <input id="identify-photo" type="file" accept="image/jpeg,image/png">
    </div>
    <canvas id="identify-canvas" class="photo" width="320" height="240" role="img"
      aria-label="The photo to identify, with a box per face" hidden></canvas>
    <div id="identify-result" class="result" aria-live="polite"></div>
  </section>
  <section class="camera" aria-labelledby="h-camera">
    <h2 id="h-camera">Camera</h2>
    <p class="note">Capture a frame to enrol it under the name above, or to identify it. Frames
    are sent only when you press a capture button.</p>
    <video id="camera-video" class="photo" muted playsinline hidden></video>
    <div class="row">
      <button id="camera-start" type="button">Start camera</button>
      <button id="camera-enrol" type="button">Enrol frame</button>
      <button id="camera-identify" type="button">Identify frame</button>
      <button id="camera-stop" type="button">Stop camera</button>
    </div>
    <p id="camera-status" class="note" role="status"></p>
  </section>
  <section class="verify" aria-labelledby="h-verify">
    <h2 id="h-verify">3. Verify</h2>
    <p class="note">Are two photos of the same person? The largest face of each is compared.</p>
    <div class="row">
      <label for="verify-a">First photo</label>
      <input id="verify-a" type="file" accept="image/jpeg,image/png">
    </div>
    <div class="row">
      <label for="verify-b">Second photo</label>
      <input id="verify-b" type="file" accept="image/jpeg,image/png">
    </div>
    <div class="row">
      <button id="verify" type="button" class="primary">Compare</button>
    </div>
    <div class="pair">
      <canvas id="verify-canvas-a" class="photo" width="160" height="160" role="img"
        aria-label="First photo, its compared face boxed" hidden></canvas>
      <canvas id="verify-canvas-b" class="photo" width="160" height="160" role="img"
        aria-label="Second photo, its compared face boxed" hidden></canvas>
    </div>
    <div id="verify-result" class="result" aria-live="polite"></div>
  </section>
`
