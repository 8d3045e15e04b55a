/**
 * A share controller on a ScriptedHost (the real host logic, only the tunnel scripted), with WXT's
 * fake storage and no clipboard or notifications: what the controller tests that share and fetch
 * through a real static server set up alike. Call `stopScriptedControllers` after each test.
 */
import { get } from 'node:http';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createHostClient } from '../host-client';
import { DEFAULT_PREFERENCES } from '../preferences';
import { createShareController, type ShareController, type ShareControllerDeps } from '../share-controller';
import { ScriptedHost } from './scripted-host';

const controllers: ShareController[] = [];

export function scriptedController(options: { timeoutMs?: number; now?: ShareControllerDeps['now'] } = {}) {
  const host = new ScriptedHost();
  const client = createHostClient({ connect: host.connect, timeoutMs: options.timeoutMs ?? 2000 });
  const controller = createShareController({
    client,
    area: fakeBrowser.storage.session,
    readPreferences: async () => ({ ...DEFAULT_PREFERENCES, copyWhenReady: false }),
    writeClipboard: async () => undefined,
    notify: async () => undefined,
    ...(options.now ? { now: options.now } : {}),
  });
  controllers.push(controller);
  return { host, controller };
}

/** Stops what every controller made by scriptedController shares, and waits for its state to be written. */
export async function stopScriptedControllers(): Promise<void> {
  for (const controller of controllers.splice(0)) {
    await controller.stopAll();
    await controller.flush();
  }
}

/** A GET as a visitor's browser would make it, straight to the share's local server. */
export function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
