import { Transform } from "node:stream";

/**
 * React 18's renderToPipeableStream encodes text into a 2 KB buffer, and when a multi-byte
 * character (å, ä, ö, –) does not fit at its end it sends the whole buffer, unwritten NUL bytes
 * included (facebook/react#26228, fixed only in React 19). HTML never holds a NUL, so the NULs
 * that end a chunk are that padding and are dropped here.
 */
export function withoutNulPadding(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length;
      while (end > 0 && chunk[end - 1] === 0) end--;
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}
