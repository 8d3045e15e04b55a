/**
 * What to do with a request's Range header before the file is sent. Pure.
 *
 * sirv handles `bytes=a-b` and `bytes=a-` (what video players send when seeking), but reads
 * `bytes=0-0` as the whole file and a suffix `bytes=-500` as the first 501 bytes. The range is
 * worked out here (the server hands sirv `bytes=start-end`, and sends `0-0` itself), and anything it cannot serve as one range (several ranges,
 * other units, nonsense) is dropped, which RFC 9110 allows: the visitor gets the whole file, 200.
 */
export type RangeDecision = { kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'none' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return { kind: 'none' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'none' };
  let start: number;
  let end: number;
  if (first === '') {
    // Suffix: the last N bytes.
    const length = Number(last);
    if (length === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - length);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return { kind: 'none' };
  }
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}
