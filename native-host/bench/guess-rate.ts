/**
 * How fast can one visitor guess a share's password? (issue 9; a figure, not a test.)
 *
 * `npx tsx native-host/bench/guess-rate.ts [seconds]` starts a password-protected gateway in its own
 * process, then one visitor (one CF-Connecting-IP) sends wrong passwords as fast as the gateway
 * answers, over keep-alive connections, for that many seconds (default 20). Prints the answers per
 * second, how many guesses were actually checked (401) rather than refused unchecked (429), and the
 * checked guesses the same rule allows over an hour and a day (guess-limiter.ts).
 */

import { FREE_GUESSES, lockFor } from '../src/gateway/guess-limiter.js';
import { GatewayProcess, PUBLIC_HOST } from '../test/gateway-harness/gateway-driver.js';
import { basic, CountingOrigin, ResponseReader } from '../test/gateway-harness/raw-http.js';

const seconds = Number(process.argv[2] ?? 20);
const CONNECTIONS = 4;

const origin = await CountingOrigin.start();
const gateway = await GatewayProcess.start({ origin: origin.origin, password: 'correct horse battery staple' });
const counts = new Map<number, number>();
const deadline = performance.now() + seconds * 1000;
let guess = 0;

async function guesser(): Promise<void> {
  const socket = await gateway.connect();
  const reader = new ResponseReader(socket);
  while (performance.now() < deadline) {
    socket.write(
      `GET / HTTP/1.1\r\nHost: ${PUBLIC_HOST}\r\nCf-Connecting-Ip: 203.0.113.200\r\nAuthorization: ${basic(`guess-${guess++}`)}\r\n\r\n`,
    );
    const response = await reader.next(10_000);
    if (response === null) break;
    counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
  }
  socket.destroy();
}

const started = performance.now();
await Promise.all(Array.from({ length: CONNECTIONS }, guesser));
const elapsed = (performance.now() - started) / 1000;
await gateway.stop();
origin.close();

/** Checked guesses the rule allows a visitor who always guesses the moment the lock ends. */
function allowedIn(ms: number): number {
  let at = 0;
  let failures = 0;
  while (at <= ms) {
    failures++;
    at += lockFor(failures);
  }
  return failures;
}

const answered = [...counts.values()].reduce((a, b) => a + b, 0);
const checked = counts.get(401) ?? 0;
console.log(`one visitor, ${CONNECTIONS} keep-alive connections, ${elapsed.toFixed(1)} s:`);
console.log(
  `  answers: ${answered} (${(answered / elapsed).toFixed(0)}/s): ${[...counts].map(([status, n]) => `${n}× ${status}`).join(', ')}`,
);
console.log(
  `  wrong guesses actually checked: ${checked} (${(checked / elapsed).toFixed(2)}/s over the run; the first ${FREE_GUESSES} are free)`,
);
console.log(
  `  by the rule: at most ${allowedIn(60_000)} checked guesses in a minute, ${allowedIn(3_600_000)} in an hour, ${allowedIn(86_400_000)} in a day`,
);
if (origin.seen.length > 0) throw new Error('a wrong guess reached the local server');
