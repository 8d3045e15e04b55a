import type { RequestRecord } from '../../lib/protocol';
import { formatClock } from '../format-duration';
import { describeVisitor } from './visitor';

function HeaderTable({ title, headers }: { title: string; headers: [string, string][] }) {
  return (
    <section class="inspector-headers" aria-label={title}>
      <h3>{title}</h3>
      {headers.length === 0 ? (
        <p class="empty">None recorded.</p>
      ) : (
        <dl>
          {headers.map(([name, value], index) => (
            <div key={index} class="header-line">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/**
 * One request opened from the list, like ngrok's inspector: what was asked, what came back and
 * when, who asked (country and anonymous tag), and both sets of headers as the gateway kept them
 * (secrets already replaced by '…' by the host). It shows the request as it was when opened: new
 * visits do not move it.
 */
export function RequestInspector({ record, onClose }: { record: RequestRecord; onClose: () => void }) {
  const status = record.status === 0 ? 'no answer (the visitor left)' : String(record.status);
  return (
    <section class="inspector" aria-label="Request details">
      <div class="inspector-head">
        <button type="button" class="link-button" onClick={onClose}>
          ← All requests
        </button>
      </div>
      <p class="inspector-line">
        <span class="request-method">{record.method}</span> <span class="inspector-path">{record.path}</span>
      </p>
      <dl class="inspector-facts">
        <div>
          <dt>Status</dt>
          <dd>{status}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>
            {formatClock(record.at)}, answered in {record.ms} ms
          </dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>{describeVisitor(record)}</dd>
        </div>
      </dl>
      <HeaderTable title="Request headers" headers={record.requestHeaders ?? []} />
      <HeaderTable title="Response headers" headers={record.responseHeaders ?? []} />
    </section>
  );
}
