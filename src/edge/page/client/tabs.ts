// The Characters / Faces tabs (the WAI-ARIA tabs pattern: arrow keys, Home and End move between
// tabs, only the selected one is in the Tab order). #faces in the address opens the Faces tab (on
// load and on a hash change); leaving it turns the camera off.
import type { Camera } from './camera'
import { $ } from './dom'

/** The tab a key moves to from tab `i` of `n` (wrapping around); null for any other key. */
export function tabForKey(key: string, i: number, n: number): number | null {
  const j =
    key === 'ArrowRight'
      ? i + 1
      : key === 'ArrowLeft'
        ? i - 1
        : key === 'Home'
          ? 0
          : key === 'End'
            ? n - 1
            : null
  return j === null ? null : (j + n) % n
}

export function setupTabs(camera: Camera): void {
  const tabs = [$('tab-chars'), $('tab-faces')]
  function selectTab(tab: HTMLElement, focus: boolean) {
    for (const t of tabs) {
      const on = t === tab
      t.setAttribute('aria-selected', String(on))
      t.tabIndex = on ? 0 : -1
      $(t.getAttribute('aria-controls')!).hidden = !on
    }
    if (focus) tab.focus()
    if (tab.id !== 'tab-faces') camera.stop()
    const hash = tab.id === 'tab-faces' ? '#faces' : ''
    if (location.hash !== hash)
      history.replaceState(null, '', location.pathname + location.search + hash)
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => selectTab(t, false))
    t.addEventListener('keydown', (e) => {
      const j = tabForKey(e.key, i, tabs.length)
      if (j === null) return
      e.preventDefault()
      selectTab(tabs[j]!, true)
    })
  })
  const tabFromHash = () => selectTab(location.hash === '#faces' ? tabs[1]! : tabs[0]!, false)
  window.addEventListener('hashchange', tabFromHash)
  if (location.hash === '#faces') tabFromHash()
}
