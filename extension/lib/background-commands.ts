import type { ShareController } from './share-controller';

/**
 * What a view may ask of the background, defined once: the names of the share controller's
 * methods a view calls. The message type, the background's answering side and the views' typed
 * proxy are all derived from this table (the pattern of @webext-core/proxy-service, in a few
 * lines), so a command is added by adding its name here and nothing forwards by hand.
 * State never travels in these: the background publishes it in storage.session and views render
 * from there (share-store.ts).
 */
export const BACKGROUND_COMMANDS = [
  'refresh',
  'share',
  'configure',
  'stop',
  'restart',
  'stopAll',
  'dismiss',
  'shareFolder',
  'uploadBegin',
  'uploadChunk',
  'uploadEnd',
  'uploadCancel',
  'account',
  'connect',
  'connectToken',
  'disconnect',
] as const satisfies readonly (keyof ShareController)[];

export type CommandName = (typeof BACKGROUND_COMMANDS)[number];

/** The Share files page's commands: the popup never calls these. */
export type UploadCommandName = 'uploadBegin' | 'uploadChunk' | 'uploadEnd' | 'uploadCancel';

/** The commands as a view calls them: the controller's own signatures, each resolving when done. */
export type BackgroundCommands = Pick<ShareController, CommandName>;

export type CommandMessage = {
  [Name in CommandName]: { type: 'porthole:command'; name: Name; args: Parameters<BackgroundCommands[Name]> };
}[CommandName];

/** `ok: false` only when the command could not be carried out at all; host failures are in the state. */
export type CommandResponse = { ok: true; result: unknown } | { ok: false; message: string };

function isCommandMessage(message: unknown): message is CommandMessage {
  const candidate = message as Partial<CommandMessage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'porthole:command' &&
    (BACKGROUND_COMMANDS as readonly unknown[]).includes(candidate.name) &&
    Array.isArray(candidate.args)
  );
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** runtime.onMessage, reduced to the callback form both webextension-polyfill and WXT's fake browser honour. */
export interface MessageEvent {
  addListener(listener: (message: unknown, sender: unknown, sendResponse: (response: unknown) => void) => boolean | undefined): void;
}

/**
 * The background's side: runs each command message on `commands`. Only ours are answered (true
 * keeps the channel open for sendResponse); anything else, such as the offscreen copy request, is
 * left to its own listener.
 */
export function serveBackgroundCommands(onMessage: MessageEvent, commands: BackgroundCommands): void {
  onMessage.addListener((message, _sender, sendResponse) => {
    if (!isCommandMessage(message)) return undefined;
    const run = commands[message.name] as (...args: unknown[]) => Promise<unknown>;
    run.apply(commands, message.args).then(
      (result) => sendResponse({ ok: true, result } satisfies CommandResponse),
      (error: unknown) => sendResponse({ ok: false, message: messageOf(error) } satisfies CommandResponse),
    );
    return true;
  });
}

/**
 * A view's side: an object with every command, each sending its message with `sendMessage` (the
 * runtime's, passed in so that views and tests choose it) and resolving with the background's result.
 * It rejects only when the background could not run the command (it did not answer, or threw).
 */
export function backgroundCommandsProxy(sendMessage: (message: CommandMessage) => Promise<unknown>): BackgroundCommands {
  const call = async (name: CommandName, args: unknown[]): Promise<unknown> => {
    let response: CommandResponse | undefined;
    try {
      response = (await sendMessage({ type: 'porthole:command', name, args } as CommandMessage)) as CommandResponse | undefined;
    } catch (error) {
      throw new Error(messageOf(error));
    }
    if (response === undefined) throw new Error('Porthole’s background did not answer. Reload the extension and try again.');
    if (!response.ok) throw new Error(response.message);
    return response.result;
  };
  return Object.fromEntries(
    BACKGROUND_COMMANDS.map((name) => [name, (...args: unknown[]) => call(name, args)]),
  ) as unknown as BackgroundCommands;
}
