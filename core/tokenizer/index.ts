// CLIP tokenizer: a model's tokenizer folder -> fixed-length prompt ids.
export { ClipTokenizer, loadTokenizer, type EncodedPrompt } from './clip.js';
export { readTokenizerFolder, CLIP_PATTERN } from './definition.js';
