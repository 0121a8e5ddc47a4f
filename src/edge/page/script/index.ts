import { API_JS } from './api'
import { CLASSES_JS } from './classes'
import { FACES_JS } from './faces'
import { MAIN_JS } from './main'
import { PAD_JS } from './pad'
import { RESULT_JS } from './result'
import { TABS_JS } from './tabs'

// Plain ES2017 strings, not compiled TypeScript: wrangler's bundler would rename and wrap a
// function's source (keepNames), so Function.prototype.toString could not ship code verbatim.
/** The page's whole script, one strict IIFE (nothing leaks to window). */
export const PAGE_SCRIPT = `(function () {
'use strict'
${API_JS}${PAD_JS}${CLASSES_JS}${RESULT_JS}${MAIN_JS}${FACES_JS}${TABS_JS}})()
`
