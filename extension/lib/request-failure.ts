import { describeFailure, HostRequestError } from './host-client';
import { type Problem, problemFromHostError } from './porthole-state';

/**
 * What a failed request means for the person: the sentence to say, and the problem to show on the
 * popup, if any. A port that closed shows no problem of its own: the disconnect already recorded the
 * host's reachability, which the popup shows instead.
 */
export function requestFailure(error: unknown, origin: string | null, at: number): { message: string; problem: Problem | null } {
  if (!(error instanceof HostRequestError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { message, problem: { message, origin, at } };
  }
  const { failure } = error;
  switch (failure.kind) {
    case 'host':
      return { message: error.message, problem: problemFromHostError(failure.error, origin, at) };
    case 'timeout':
      return { message: error.message, problem: { message: describeFailure(failure), origin, at } };
    case 'disconnected':
      return { message: error.message, problem: null };
  }
}
