// Public API of video/: what the CLI imports (planning and writing outputs, composition, probing, info text).
export type { Frames } from './frames.js';
export { makeFrames, checkFrames, frameAt, frameBytes } from './frames.js';
export { findFfmpeg, ffmpegSummary, type FfmpegInfo, type FfmpegSource } from './ffmpeg.js';
export { planOutput, prepareOutput, writeVideo, framePath, type OutputPlan, type OutputFormat, type WriteOptions, type WrittenOutput } from './output.js';
export { InterruptedError, interruptSignal } from './interrupt.js';
export type { GenerationMetadata, FreeUMetadata, CompositeMetadata, Scheduler } from './metadata.js';
export { parseMetadata, serializeMetadata } from './metadata.js';
export { probe, readMetadata, type StreamInfo } from './probe.js';
export { sideBySide, grid } from './compose.js';
export { reproduceCommand, shellQuote } from './reproduce.js';
export { describeMetadata } from './describe.js';
