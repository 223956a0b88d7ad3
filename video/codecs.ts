// ffmpeg arguments per output format: raw RGB on stdin in, H.264 / VP9 / palette GIF out.
export type VideoFormat = 'mp4' | 'webm' | 'gif';

export interface EncoderArgs {
  readonly inputOptions: string[];
  readonly outputOptions: string[];
}

/** Whether the format's pixel format (yuv420p H.264) needs even sides; VP9 and GIF take any size. */
export function needsEvenSize(format: VideoFormat): boolean {
  return format === 'mp4';
}

/** BT.709 matrix, limited range, and the tags that say so; untagged RGB->YUV conversions look washed out or shifted in browsers. */
const BT709 = 'scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int';
const TAGS = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];

/** Arguments to encode `width`x`height` RGB at `fps` (even sides for mp4: pad first); `comment` goes in the comment tag (not GIF). */
export function encoderArgs(format: VideoFormat, width: number, height: number, fps: number, comment: string): EncoderArgs {
  const rate = String(fps);
  const inputOptions = ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', rate];
  const meta = ['-metadata', `comment=${comment}`];
  if (format === 'mp4') {
    return {
      inputOptions,
      outputOptions: [
        '-vf',
        `${BT709},format=yuv420p`,
        '-c:v',
        'libx264',
        '-preset',
        'medium',
        '-crf',
        '18',
        '-profile:v',
        'high',
        '-pix_fmt',
        'yuv420p',
        ...TAGS,
        '-r',
        rate,
        '-movflags',
        '+faststart',
        ...meta,
        '-f',
        'mp4',
      ],
    };
  }
  if (format === 'webm') {
    return {
      inputOptions,
      outputOptions: [
        '-vf',
        `${BT709},format=yuv420p`,
        '-c:v',
        'libvpx-vp9',
        '-crf',
        '32',
        '-b:v',
        '0',
        '-deadline',
        'good',
        '-cpu-used',
        '4',
        '-row-mt',
        '1',
        '-pix_fmt',
        'yuv420p',
        ...TAGS,
        '-r',
        rate,
        ...meta,
        '-f',
        'webm',
      ],
    };
  }
  // One palette computed from the whole clip, then applied to every frame.
  return {
    inputOptions,
    outputOptions: ['-vf', 'split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a', '-loop', '0', '-r', rate, '-f', 'gif'],
  };
}
