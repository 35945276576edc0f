export { assertRgbImage, createRgbImage, type RgbImage } from "./rgb-image";
export { decodeImage, encodeJpeg, type JpegOptions } from "./codec";
