// Parsing ffmpeg's own probe output (there is no ffprobe): the 2018 build we ship and the layout of current releases.
import { describe, expect, it } from 'vitest';
import { ffmpegSummary } from '../../video/ffmpeg.js';
import { parseProbe } from '../../video/probe.js';

/** What ffmpeg 4.1 (the @ffmpeg-installer build) prints for `-i clip.mp4 -map 0:v:0 -f null - -f ffmetadata pipe:1`. */
const OLD_MP4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
  Metadata:
    major_brand     : isom
    comment         : {"t2v":"0.1.0"}
  Duration: 00:00:01.25, start: 0.000000, bitrate: 43 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 34x18, 36 kb/s, 8 fps, 8 tbr, 16384 tbn, 16 tbc (default)
    Metadata:
      handler_name    : VideoHandler
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
Output #0, null, to 'pipe:':
    Stream #0:0(und): Video: wrapped_avframe, yuv420p, 34x18, q=2-31, 200 kb/s, 8 fps, 8 tbn, 8 tbc (default)
frame=    4 fps=0.0 q=-0.0 size=N/A time=00:00:00.50 bitrate=N/A speed=1x    \rframe=   10 fps=0.0 q=-0.0 Lsize=N/A time=00:00:01.25 bitrate=N/A speed= 446x    
video:5kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
`;

/** The same from an ffmpeg 6/7 build: stream ids in brackets, "progressive" in the colour tuple, SAR in brackets. */
const NEW_MP4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
  Metadata:
    major_brand     : isom
    encoder         : Lavf60.16.100
  Duration: 00:00:02.00, start: 0.000000, bitrate: 413 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 256x256 [SAR 1:1 DAR 1:1], 409 kb/s, 8 fps, 8 tbr, 16384 tbn (default)
      Metadata:
        handler_name    : VideoHandler
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
Output #0, null, to 'pipe:':
  Stream #0:0(und): Video: wrapped_avframe, yuv420p(tv, bt709, progressive), 256x256 [SAR 1:1 DAR 1:1], q=2-31, 200 kb/s, 8 fps, 8 tbn (default)
[out#0/null @ 0x5581] video:7kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
frame=   16 fps=0.0 q=-0.0 Lsize=N/A time=00:00:01.87 bitrate=N/A speed=40.1x
`;

const GIF = `Input #0, gif, from 'clip.gif':
  Duration: N/A, bitrate: N/A
    Stream #0:0: Video: gif, bgra, 33x17, 7.92 fps, 8 tbr, 100 tbn, 100 tbc
Stream mapping:
frame=   10 fps=0.0 q=-0.0 Lsize=N/A time=00:00:01.25 bitrate=N/A speed=3.08e+03x
`;

const WEBM_K = `Input #0, matroska,webm, from 'big.webm':
  Duration: 00:00:10.00, start: 0.000000, bitrate: 1 kb/s
    Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv, bt709), 64x48, SAR 1:1 DAR 4:3, 1k fps, 1k tbr, 1k tbn, 1k tbc (default)
frame=10000 fps=0.0 q=-0.0 Lsize=N/A time=00:00:10.00 bitrate=N/A speed= 446x
`;

describe('parseProbe', () => {
  it.each([
    ['ffmpeg 4.1 mp4', OLD_MP4, { container: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', pixFmt: 'yuv420p', width: 34, height: 18, fps: 8, duration: 1.25, frames: 10 }],
    ['ffmpeg 6/7 mp4', NEW_MP4, { container: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', pixFmt: 'yuv420p', width: 256, height: 256, fps: 8, duration: 2, frames: 16 }],
    ['gif without container duration', GIF, { container: 'gif', codec: 'gif', pixFmt: 'bgra', width: 33, height: 17, fps: 7.92, duration: 1.25, frames: 10 }],
    ['"1k fps"', WEBM_K, { container: 'matroska,webm', codec: 'vp9', width: 64, height: 48, fps: 1000, duration: 10, frames: 10000 }],
  ])('%s', (_name, stderr, want) => {
    expect(parseProbe(stderr, 'clip')).toMatchObject(want);
  });

  it.each([
    ['no video stream', "Input #0, wav, from 'a.wav':\n    Stream #0:0: Audio: pcm_s16le, 44100 Hz\n", /clip: ffmpeg found no video stream/],
    ['no progress line', OLD_MP4.replace(/frame=[^\n]*\n/, ''), /could not read size, frame rate or frame count/],
  ])('%s', (_name, stderr, err) => {
    expect(() => parseProbe(stderr, 'clip')).toThrow(err);
  });
});

describe('ffmpegSummary', () => {
  it('says which ffmpeg and where it came from', () => {
    expect(ffmpegSummary({ path: '/x/ffmpeg', source: '@ffmpeg-installer/ffmpeg', version: 'N-47683-g0e8eb07980-static' })).toBe(
      'ffmpeg N-47683-g0e8eb07980-static (@ffmpeg-installer/ffmpeg: /x/ffmpeg)',
    );
  });
});
