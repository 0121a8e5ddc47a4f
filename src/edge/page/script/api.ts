// The browser's client of the public API: JSON in, JSON out, and every failure becomes a UiError
// carrying the API's own message (and, from the API, its HTTP status and error code), for the
// alert region.
export const API_JS = `
function UiError(message, status, code) {
  this.message = message
  this.status = status
  this.code = code
}
function createApi(keyInput) {
  return function api(method, path, body) {
    var key = keyInput.value.trim()
    if (!key) return Promise.reject(new UiError('Enter an API key first.'))
    var init = { method: method, headers: { authorization: 'Bearer ' + key } }
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return null
      return res.json().catch(function () { return null }).then(function (data) {
        if (res.ok) return data
        var err = data && data.error
        var text = err && err.message ? err.message : res.statusText || 'request failed'
        var code = err && err.code ? ' ' + err.code : ''
        throw new UiError('The API answered ' + res.status + code + ': ' + text, res.status,
          err && err.code)
      })
    }, function () {
      throw new UiError('Could not reach the API (network error).')
    })
  }
}
`
