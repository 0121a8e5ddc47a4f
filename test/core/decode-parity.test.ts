import { describeDecodeParity } from './parity-suite'

describeDecodeParity('node')
