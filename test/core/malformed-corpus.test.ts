import { describeMalformedCorpus } from './malformed-suite'

describeMalformedCorpus('node')
