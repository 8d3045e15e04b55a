/**
 * The only writer of stdout in native messaging mode: a stray byte there would desynchronise the
 * browser's reader and end the connection, so everything else logs to stderr and the log file.
 */
import type { Writable } from 'node:stream';
import { hostError } from '../errors.js';
import type { HostToExtension } from '../protocol/index.js';
import { type ByteOrder, encodeJsonFrame, MAX_OUTGOING_FRAME, NATIVE_BYTE_ORDER } from './framing.js';

export interface FrameWriter {
  write(message: HostToExtension): void;
  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void>;
}

export function createFrameWriter(
  output: Writable,
  onOversize: (bytes: number) => void,
  byteOrder: ByteOrder = NATIVE_BYTE_ORDER,
): FrameWriter {
  let broken = false;
  // The browser may be gone already (EPIPE); there is nobody left to tell.
  output.on('error', () => {
    broken = true;
  });
  return {
    write(message) {
      if (broken) return;
      let frame = encodeJsonFrame(message, byteOrder);
      if (frame.length - 4 > MAX_OUTGOING_FRAME) {
        onOversize(frame.length - 4);
        // An event can be dropped (the next list carries the state); a reply must still answer its request.
        if (!('ok' in message)) return;
        frame = encodeJsonFrame(
          {
            id: message.id,
            ok: false,
            error: hostError('internal', 'The answer was too large for the browser (over 1 MB). Stop some shares and try again.'),
          },
          byteOrder,
        );
      }
      output.write(frame);
    },
    flush() {
      return broken || output.writableLength === 0 ? Promise.resolve() : new Promise((resolve) => output.write('', () => resolve()));
    },
  };
}
