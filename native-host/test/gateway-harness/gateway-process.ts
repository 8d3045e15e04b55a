/**
 * One share's gateway in a process of its own, as the host runs it, for tests that talk to it over
 * raw sockets. Reads its setup from argv (JSON), prints `{"url": …}` on stdout once it listens, then
 * takes one JSON command per stdin line: `{"configure": {password, keepPublicHost}}`, or
 * `{"heldScripts": true}` (answers the dev-client rewrite's held bytes). Ends when stdin
 * closes.
 *
 * Run by gateway-driver.ts (bundled with esbuild); the driver may lower the descriptor limit first
 * (`ulimit -n`), as a terminal's default soft limit of 1024 would.
 */
import { createInterface } from 'node:readline';
import { Gateway, type GatewaySettings } from '../../src/gateway/gateway.js';
import { checkLoopbackOrigin } from '../../src/protocol/loopback.js';

interface Setup {
  origin: string;
  publicUrl: string;
  settings: GatewaySettings;
  heldScriptBudget?: number;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const checked = checkLoopbackOrigin(setup.origin);
if (!checked.ok) throw new Error(checked.message);
const gateway = new Gateway({
  origin: checked.value,
  settings: setup.settings,
  probeToken: 'test-probe-token-0123456789abcdef',
  ...(setup.heldScriptBudget === undefined ? {} : { heldScriptBudget: setup.heldScriptBudget }),
  log: {
    info() {},
    warn: (message) => process.stderr.write(`warn ${message}\n`),
    error: (message) => process.stderr.write(`error ${message}\n`),
  },
});
const url = await gateway.listen();
gateway.setPublicUrl(setup.publicUrl);
process.stdout.write(`${JSON.stringify({ url })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { configure?: GatewaySettings; heldScripts?: true; id?: number };
  if (command.configure !== undefined) gateway.configure(command.configure);
  const extra = command.heldScripts === true ? { heldScripts: gateway.heldScripts } : {};
  process.stdout.write(`${JSON.stringify({ done: command.id ?? null, ...extra })}\n`);
});
lines.on('close', () => {
  gateway.close();
  process.exit(0);
});
