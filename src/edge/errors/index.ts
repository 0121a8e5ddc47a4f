export { ECHO_CHARS, echo, MESSAGE_CHARS } from './echo'
export {
  ApiError,
  modelUnavailable,
  RateLimitedError,
  setNotFound,
  type ErrorStatus,
} from './api-error'
export { describeZodError, toApiError } from './to-api-error'
export { notFound, onError, type ErrorBody } from './on-error'
