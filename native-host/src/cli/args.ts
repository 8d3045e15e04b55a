/**
 * A small command-line parser for porthole-host's subcommands. Pure: argv in, values or one sentence
 * out. Node's util.parseArgs was used before; its messages quote unevenly ("Unknown option
 * '--colour'. … as in '-- \"--colour\"") and know nothing of our commands, so a person saw
 * internals. Every refusal here names the command, the option and what to type instead.
 */

export type OptionKind = 'string' | 'boolean';

export interface OptionSpec {
  kind: OptionKind;
  /** Shown in messages: `--minutes <n>`. */
  valueName?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  /** Strings for `string` options, `true` for boolean ones; absent when not given. */
  values: Record<string, string | true>;
  positionals: string[];
  /** The argv index right after each option name, so callers can tell `--password secret` apart. */
  optionAt: Record<string, number>;
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; message: string };

export function describeOption(name: string, spec: OptionSpec): string {
  return spec.kind === 'string' ? `--${name} <${spec.valueName ?? 'value'}>` : `--${name}`;
}

/** Levenshtein distance, for "did you mean": options are short, so the plain algorithm is fine. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function closestOption(name: string, specs: OptionSpecs): string | null {
  // A short flag (`-p`) is a habit from other tools: its letter says more than any edit distance.
  if (name.length === 1) {
    const [shortest] = Object.keys(specs)
      .filter((candidate) => candidate.startsWith(name))
      .sort((a, b) => a.length - b.length);
    return shortest ?? null;
  }
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of Object.keys(specs)) {
    const d = candidate.startsWith(name) && name.length >= 3 ? 0 : distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= 2 ? best : null;
}

function unknownOption(token: string, command: string, specs: OptionSpecs): string {
  const name = token.replace(/^-+/, '').split('=')[0] ?? '';
  const guess = closestOption(name, specs);
  const known = Object.entries(specs).map(([option, spec]) => describeOption(option, spec));
  const hint = guess !== null ? ` Did you mean --${guess}?` : '';
  const list = known.length > 0 ? ` ${command} takes ${known.join(', ')}.` : ` ${command} takes no options.`;
  return `Unknown option ${token.split('=')[0]} for ${command}.${hint}${list}`;
}

/**
 * `--name value`, `--name=value`, boolean `--flag`, and `--` to end the options. A negative number
 * is read as a positional, so that `share -1` is refused as a port rather than as an option.
 */
export function parseCommandArgs(argv: readonly string[], command: string, specs: OptionSpecs): ArgsResult {
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  const optionAt: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(token);
    const name = match?.[1];
    const spec = name !== undefined && Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (match === null || name === undefined || spec === undefined) return { ok: false, message: unknownOption(token, command, specs) };
    if (values[name] !== undefined) return { ok: false, message: `--${name} is given twice; give it once.` };
    const inline = match[2];
    optionAt[name] = i + 1;
    if (spec.kind === 'boolean') {
      if (inline !== undefined) return { ok: false, message: `--${name} takes no value; write just --${name}.` };
      values[name] = true;
      continue;
    }
    if (inline !== undefined) {
      values[name] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--'))
      return { ok: false, message: `--${name} needs a value: ${describeOption(name, spec)}.` };
    values[name] = next;
    i++;
  }
  return { ok: true, args: { values, positionals, optionAt } };
}
