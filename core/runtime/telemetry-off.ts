// Turns onnxruntime's telemetry off before its library loads (imported first by ort.ts; a user's own value is kept).
process.env.ORT_DISABLE_TELEMETRY ??= '1';
