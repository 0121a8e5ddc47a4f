export {
  base64Image,
  bodyKind,
  formData,
  imageParts,
  oneImagePart,
  rawImage,
  type BodyKind,
} from './body'
export { checkPixelBudget, decodeCost } from './budget'
export { toInputs, type NamedImage } from './inputs'
