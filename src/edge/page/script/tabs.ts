// The Characters / Faces tabs (the WAI-ARIA tabs pattern: arrow keys, Home and End move between
// tabs, only the selected one is in the Tab order). #faces in the address opens the Faces tab
// (on load and on a hash change);
// leaving it turns the camera off.
export const TABS_JS = `
var tabs = [$('tab-chars'), $('tab-faces')]
function selectTab(tab, focus) {
  tabs.forEach(function (t) {
    var on = t === tab
    t.setAttribute('aria-selected', String(on))
    t.tabIndex = on ? 0 : -1
    $(t.getAttribute('aria-controls')).hidden = !on
  })
  if (focus) tab.focus()
  if (tab.id !== 'tab-faces') stopCamera()
  var hash = tab.id === 'tab-faces' ? '#faces' : ''
  if (location.hash !== hash && history.replaceState)
    history.replaceState(null, '', location.pathname + location.search + hash)
}
tabs.forEach(function (t, i) {
  t.addEventListener('click', function () { selectTab(t, false) })
  t.addEventListener('keydown', function (e) {
    var j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 :
      e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null
    if (j === null) return
    e.preventDefault()
    selectTab(tabs[(j + tabs.length) % tabs.length], true)
  })
})
function tabFromHash() { selectTab(location.hash === '#faces' ? tabs[1] : tabs[0], false) }
window.addEventListener('hashchange', tabFromHash)
if (location.hash === '#faces') tabFromHash()
`
