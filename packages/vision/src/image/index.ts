export { assertRgbImage, createRgbImage, type RgbImage } from "./rgb-image";
export { decodeImage, encodeJpeg, type JpegOptions } from "./codec";
export { cropImage } from "./crop-image";
