import { useEffect, useState } from 'preact/hooks';
import type { RequestRecord, Share, ShareTraffic } from '../../lib/protocol';
import { formatClock } from '../format-duration';
import { RequestInspector } from './inspector';
import { countriesOf, countryName, describeVisitor } from './visitor';

/**
 * The QR generator is loaded when first asked for, not with the popup: most openings of the popup
 * never show a QR code, and its script stays off their path (a chunk of its own, about 4 KiB gzipped).
 */
type QrModule = typeof import('./qr-code');
let qrModule: Promise<QrModule> | null = null;
const loadQrModule = (): Promise<QrModule> => (qrModule ??= import('./qr-code'));

function LazyQrCode({ url }: { url: string }) {
  const [loaded, setLoaded] = useState<QrModule | null | 'failed'>(null);
  useEffect(() => {
    let live = true;
    loadQrModule().then(
      (module) => live && setLoaded(module),
      (error: unknown) => {
        console.error('Porthole could not load its QR code generator:', error);
        if (live) setLoaded('failed');
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (loaded === 'failed') return <p class="qr-code qr-failed">Could not draw the QR code. Copy the address instead.</p>;
  // The space is held while the script loads (a few milliseconds), so nothing moves.
  if (loaded === null) return <span class="qr-code" aria-busy="true" />;
  return <loaded.QrCode text={url} label={`QR code of ${url}`} />;
}

/** Rows of recent requests shown; the host keeps 20, the popup has room for these. */
export const RECENT_ROWS = 4;

export function countsLine({ visitors, requests }: Pick<ShareTraffic, 'visitors' | 'requests'>): string {
  return `${visitors} ${visitors === 1 ? 'visitor' : 'visitors'} · ${requests} ${requests === 1 ? 'request' : 'requests'}`;
}

function statusText(status: number): { text: string; title: string; kind: string } {
  if (status === 0) return { text: '–', title: 'The visitor left before any answer', kind: 'gone' };
  if (status === 101) return { text: 'WS', title: '101: a WebSocket', kind: 'ok' };
  if (status === 401) return { text: '401', title: '401: no or wrong password', kind: 'refused' };
  return { text: String(status), title: String(status), kind: status < 300 ? 'ok' : status < 400 ? 'redirect' : 'error' };
}

function RequestRow({ record, onOpen }: { record: RequestRecord; onOpen: () => void }) {
  const status = statusText(record.status);
  const at = formatClock(record.at);
  return (
    <li class="request">
      {/* The button stretches over the whole row (popup.css), so a click anywhere on it opens the details. */}
      <button type="button" class="request-open" title={`Details of ${record.method} ${record.path}`} onClick={onOpen}>
        {record.method}
      </button>
      <span class="request-path" title={record.path}>
        {record.path}
      </span>
      <span class="request-who" title={describeVisitor(record)}>
        <span class="request-country">{record.country ?? ''}</span>
        <span class="request-visitor">{record.visitor ?? ''}</span>
      </span>
      <span class={`request-status status-${status.kind}`} title={`${status.title}, in ${record.ms} ms`}>
        {status.text}
      </span>
      <time class="request-time" dateTime={new Date(record.at).toISOString()}>
        {at}
      </time>
    </li>
  );
}

/**
 * Who came, under a share: the counters and the last few requests as the host pushes them, or the
 * address as a QR code. The block keeps one height whatever it shows, so updates never move the
 * popup.
 */
export function ShareActivity({ share, link }: { share: Share | null; link?: string | null }) {
  const [showQr, setShowQr] = useState(false);
  // Held by value: new visits shift the rows, not the request being read.
  const [inspected, setInspected] = useState<RequestRecord | null>(null);
  // The QR code opens the same page as Copy and Open.
  const url = link ?? share?.url ?? null;
  const recent = share?.traffic.recent.slice(0, RECENT_ROWS) ?? [];
  const qrShown = showQr && url !== null;
  const countries = countriesOf(share?.traffic.recent ?? []);
  return (
    <section class="activity" aria-label="Visitors">
      <div class="activity-head">
        <span class="counts">
          <span>{countsLine(share?.traffic ?? { visitors: 0, requests: 0 })}</span>
          {countries.length > 0 ? (
            <span class="counts-countries" title={`From ${countries.map(countryName).join(', ')}`}>
              {' · '}
              {countries.slice(0, 3).join(' ')}
              {countries.length > 3 ? ' …' : ''}
            </span>
          ) : null}
        </span>
        <button type="button" class="link-button" aria-expanded={qrShown} disabled={url === null} onClick={() => setShowQr(!showQr)}>
          {qrShown ? 'Hide QR code' : 'Show QR code'}
        </button>
      </div>
      {/* No empty box: the body appears with the first visit, or the QR code. */}
      {qrShown ? (
        <div class="activity-body">
          <figure class="qr">
            <LazyQrCode url={url} />
            <figcaption>Scan with a phone’s camera to open the public address there.</figcaption>
          </figure>
        </div>
      ) : inspected !== null ? (
        <RequestInspector record={inspected} onClose={() => setInspected(null)} />
      ) : recent.length === 0 ? null : (
        <div class="activity-body">
          <ol class="requests" aria-label="Last requests, newest first">
            {/* Keyed by position: rows keep their place and only their text changes as requests come. */}
            {recent.map((record, index) => (
              <RequestRow key={index} record={record} onOpen={() => setInspected(record)} />
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
