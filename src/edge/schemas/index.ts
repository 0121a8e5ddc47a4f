export * from './common'
export * from './components'
export * from './requests'
export * from './results'
