// The execution providers t2v can run on, by name (no onnxruntime import: the CLI's flag table reads this at --help).

export const DEVICES = ['cpu', 'webgpu'] as const;
export type Device = (typeof DEVICES)[number];

/** What --device takes: a device, or `auto` (webgpu when an adapter exists, else cpu). */
export const DEVICE_CHOICES = ['auto', ...DEVICES] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];

/** What --precision takes: the float type of weights and activations (norm statistics, softmax, FreeU stay float32). */
export const PRECISIONS = ['fp32', 'fp16'] as const;
export type Precision = (typeof PRECISIONS)[number];
