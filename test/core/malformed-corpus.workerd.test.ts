import { describeMalformedCorpus } from './malformed-suite'

describeMalformedCorpus('workerd')
