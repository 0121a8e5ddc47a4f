export * from './common'
export * from './requests'
export * from './results'
