// onnxruntime-node with its telemetry off: every import of onnxruntime goes through this module.
// The 1DS telemetry in libonnxruntime runs a recursive std::regex over /proc/self/cmdline at the first session: an
// argv of about 28,000 characters overflowed the stack (exit 139). ORT_DISABLE_TELEMETRY=1 skips that code entirely.
import './telemetry-off.js';
export * from 'onnxruntime-node';
