/**
 * What cloudflared has told us so far, folded line by line, and the failure it adds up to when
 * the process ends. Pure, so that every fixture can be replayed through it in a unit test.
 */
import { hostError } from '../errors.js';
import type { HostError } from '../protocol/index.js';
import type { CloudflaredLine, TunnelFailureCode } from './parse.js';

export interface TunnelDiagnosis {
  url: string | null;
  registered: boolean;
  metricsAddress: string | null;
  /** The strongest explanation seen: a fatal line beats an earlier non-fatal one. */
  problem: { code: TunnelFailureCode; fatal: boolean; text: string } | null;
  /** The last ERR/FTL or bare line: what a person debugging this wants to read first. */
  lastMeaningfulLine: string | null;
  configLeak: string | null;
}

export const EMPTY_DIAGNOSIS: TunnelDiagnosis = {
  url: null,
  registered: false,
  metricsAddress: null,
  problem: null,
  lastMeaningfulLine: null,
  configLeak: null,
};

export function observeLine(diagnosis: TunnelDiagnosis, line: CloudflaredLine): TunnelDiagnosis {
  switch (line.kind) {
    case 'url':
      return diagnosis.url === null ? { ...diagnosis, url: line.url } : diagnosis;
    case 'registered':
      return { ...diagnosis, registered: true };
    case 'metrics':
      return { ...diagnosis, metricsAddress: line.address };
    case 'config-leak':
      return { ...diagnosis, configLeak: line.text };
    case 'problem': {
      const keep = diagnosis.problem?.fatal === true && !line.fatal;
      return {
        ...diagnosis,
        problem: keep ? diagnosis.problem : { code: line.code, fatal: line.fatal, text: line.text },
        lastMeaningfulLine: line.text,
      };
    }
    case 'log':
      return line.level === 'ERR' || line.level === 'FTL' || line.level === null
        ? { ...diagnosis, lastMeaningfulLine: line.text }
        : diagnosis;
    case 'shutdown':
      return diagnosis;
  }
}

/** Why a cloudflared that we did not ask to stop has exited. */
export function failureOnExit(diagnosis: TunnelDiagnosis, exit: { code: number | null; signal: string | null }): HostError {
  const detail = diagnosis.lastMeaningfulLine ?? describeExit(exit);
  const code = diagnosis.problem?.code ?? 'tunnel-exited';
  if (diagnosis.configLeak !== null) {
    return hostError(
      code,
      `${hostError(code).message} cloudflared also read settings from a config.yml (a named tunnel or credentials file); move ~/.cloudflared/config.yml aside if the problem stays.`,
      detail,
    );
  }
  return hostError(code, undefined, detail);
}

function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal !== null ? `cloudflared was ended by ${exit.signal}` : `cloudflared exited with code ${exit.code ?? 'unknown'}`;
}
