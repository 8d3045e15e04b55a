/**
 * One native messaging session: frames in from the browser, replies and share events out, until
 * the browser closes our stdin. Then every share is stopped before the session ends.
 */
import type { Readable, Writable } from 'node:stream';
import { hostError } from '../errors.js';
import type { Logger } from '../log.js';
import { type AccountEvent, type ExtensionToHost, type Reply, type ShareEvent, validateRequest } from '../protocol/index.js';
import { type DispatchDeps, dispatch } from './dispatch.js';
import { createFrameWriter } from './frame-writer.js';
import { FrameDecoder, MAX_INCOMING_FRAME } from './framing.js';

export interface SessionDeps extends DispatchDeps {
  input: Readable;
  output: Writable;
  log: Logger;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeMessage(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'The message is not valid UTF-8.' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'The message is not valid JSON.' };
  }
}

function describeEvent({ share, change }: ShareEvent): string {
  const url = share.url ? ` ${share.url}` : '';
  const error = share.error ? ` (${share.error.code}: ${share.error.detail ?? share.error.message})` : '';
  return `share ${share.id} ${change}${url}${error}`;
}

export function runSession(deps: SessionDeps): Promise<void> {
  const { input, output, manager, log } = deps;
  const writer = createFrameWriter(output, (bytes) => log.warn(`dropped a ${bytes}-byte message: over the browser's 1 MB limit`));
  const decoder = new FrameDecoder();

  const onEvent = (event: ShareEvent): void => {
    // Traffic comes twice a second while someone visits: the log keeps what changed the share's course.
    if (event.change !== 'traffic') log.info(describeEvent(event));
    writer.write(event);
  };
  manager.on('event', onEvent);
  // A login finished, failed or timed out: the options page learns it without asking.
  const onAccountEvent = (event: AccountEvent): void => {
    log.info(`account ${event.account.state}${event.account.error ? ` (${event.account.error.code})` : ''}`);
    writer.write(event);
  };
  deps.account?.on('event', onAccountEvent);

  /** A new share is announced with its reply: `starting` follows it at once, before any other event of that share. */
  const answer = (reply: Reply): void => {
    writer.write(reply);
    if (reply.ok && (reply.type === 'share' || reply.type === 'share-folder') && !reply.existing)
      onEvent({ type: 'share-event', change: 'starting', share: reply.share });
  };

  const pending = new Set<Promise<void>>();
  const handle = async (request: ExtensionToHost): Promise<void> => {
    const reply = dispatch(request, deps);
    answer(reply instanceof Promise ? await reply : reply);
  };

  const onFrame = (body: Buffer): void => {
    const decoded = decodeMessage(body);
    const validated = decoded.ok
      ? validateRequest(decoded.value)
      : { ok: false as const, id: null, error: hostError('bad-request', decoded.reason) };
    if (!validated.ok) {
      log.warn(`refused a request: ${validated.error.message}`);
      writer.write({ id: validated.id, ok: false, error: validated.error });
      return;
    }
    const task = handle(validated.request).catch((error: unknown) => log.error(`request ${validated.request.id} failed: ${String(error)}`));
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  return new Promise((resolve) => {
    input.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind === 'frame') onFrame(item.body);
        else {
          log.warn(`refused a ${item.length}-byte frame`);
          writer.write({
            id: null,
            ok: false,
            error: hostError(
              'bad-request',
              `A message of ${item.length} bytes is over the ${MAX_INCOMING_FRAME}-byte limit; it was skipped.`,
            ),
          });
        }
      }
    });
    let ended = false;
    const end = async (): Promise<void> => {
      if (ended) return;
      ended = true;
      if (decoder.bufferedBytes > 0) log.warn(`input ended inside a frame (${decoder.bufferedBytes} bytes pending)`);
      log.info('browser closed the connection; stopping every share');
      await manager.stopAll();
      await Promise.allSettled([...pending]);
      manager.off('event', onEvent);
      deps.account?.off('event', onAccountEvent);
      await deps.account?.shutdown();
      await writer.flush();
      resolve();
    };
    input.on('end', () => void end());
    input.on('close', () => void end());
    input.on('error', () => void end());
  });
}
