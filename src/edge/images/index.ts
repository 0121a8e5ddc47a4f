export {
  base64Image,
  bodyKind,
  formData,
  imageParts,
  oneImagePart,
  rawImage,
  type BodyKind,
} from './body'
export { toInputs, type NamedImage } from './inputs'
