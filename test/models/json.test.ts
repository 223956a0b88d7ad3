import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../models/json.js';

describe('parsePythonJson', () => {
  it.each([
    ['{"a": Infinity}', { a: Infinity }],
    ['{"a": -Infinity, "b": [NaN, 1]}', { a: -Infinity, b: [NaN, 1] }],
    ['{"s": "NaN Infinity -Infinity \\" NaN"}', { s: 'NaN Infinity -Infinity " NaN' }],
    ['{"lambda_min_clipped": -Infinity, "x": null, "t": true}', { lambda_min_clipped: -Infinity, x: null, t: true }],
  ])('%s', (text, expected) => {
    expect(parsePythonJson(text)).toEqual(expected);
  });

  it('rejects malformed JSON', () => {
    expect(() => parsePythonJson('{"a": }')).toThrow();
  });
});
