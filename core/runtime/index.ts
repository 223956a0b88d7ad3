// ONNX Runtime sessions for the three networks, and the execution-provider choice.
export { resolveDevice, webgpuUnavailableReason, type Device, type DeviceChoice } from './device.js';
export { type LoadOptions } from './session.js';
export { loadTextEncoder, loadTextEncoderFrom, type TextEncoderRunner } from './text-encoder.js';
export { loadDeepCacheUnet3dFrom, type DeepCacheUnet3dRunner, type DeepFeature, type ResidentDeepCacheUnet } from './deep-cache-unet3d.js';
export { loadUnet3d, loadUnet3dFrom, type RecordedTensor, type ResidentUnet, type ResidentUnetInputs, type Unet3dInputs, type Unet3dRunner } from './unet3d.js';
export { loadVaeDecoder, loadVaeDecoderFrom, type VaeDecoderRunner } from './vae.js';
