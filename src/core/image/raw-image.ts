/** Decoded pixels: row-major HWC, 8 bits per sample; 2 and 4 channels carry alpha last. */
export interface RawImage {
  width: number
  height: number
  channels: 1 | 2 | 3 | 4
  data: Uint8Array
}
