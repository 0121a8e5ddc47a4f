import { describeDecodeParity } from './parity-suite'

describeDecodeParity('workerd')
