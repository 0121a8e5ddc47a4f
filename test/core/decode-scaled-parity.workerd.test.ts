import { describeScaledDecode } from './scaled-suite'

describeScaledDecode('workerd')
