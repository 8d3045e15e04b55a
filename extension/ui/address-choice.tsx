import type { StableTarget } from '../lib/porthole-state';
import type { AddressChoice, AddressKind } from '../lib/protocol';
import { normaliseName, stableNameProblem } from '../lib/stable-name';

/**
 * What the popup offers before sharing when a Cloudflare account is connected (issue 14): a quick
 * address (trycloudflare.com, new each time) or a stable one, `<name>.<zone>`, the name editable and
 * checked as the host checks it before anything is sent.
 */
export interface AddressDraft {
  kind: AddressKind;
  /** As typed; sent normalised (normaliseName). */
  name: string;
}

/**
 * The request's address for a draft, or the sentence that says why the name cannot be sent. Token
 * mode has one hostname, set in the dashboard: no name is sent, the host uses it.
 */
export function addressOfDraft(
  draft: AddressDraft,
  target: StableTarget,
): { ok: true; address: AddressChoice } | { ok: false; problem: string } {
  if (draft.kind === 'quick') return { ok: true, address: { kind: 'quick' } };
  if (target.mode === 'token') return { ok: true, address: { kind: 'stable' } };
  const name = normaliseName(draft.name);
  const problem = stableNameProblem(name);
  return problem === null ? { ok: true, address: { kind: 'stable', name } } : { ok: false, problem };
}

export function AddressFields({
  target,
  draft,
  onChange,
}: {
  target: StableTarget;
  draft: AddressDraft;
  onChange: (draft: AddressDraft) => void;
}) {
  const checked = addressOfDraft(draft, target);
  const zone = target.mode === 'cert' ? target.zone : target.hostname;
  return (
    <fieldset class="address-choice">
      <legend class="visually-hidden">Address</legend>
      <div class="address-kinds">
        <label class="address-kind">
          <input type="radio" name="address-kind" checked={draft.kind === 'quick'} onChange={() => onChange({ ...draft, kind: 'quick' })} />
          Quick address
        </label>
        <label class="address-kind">
          <input
            type="radio"
            name="address-kind"
            checked={draft.kind === 'stable'}
            onChange={() => onChange({ ...draft, kind: 'stable' })}
          />
          {target.mode === 'cert' ? `Stable address on ${zone}` : `Stable address ${zone}`}
        </label>
      </div>
      {draft.kind === 'stable' && target.mode === 'token' ? (
        <p class="stable-note">https://{zone}, the hostname your tunnel has in Cloudflare’s dashboard.</p>
      ) : draft.kind === 'stable' ? (
        <>
          <div class="stable-name-row">
            <label class="visually-hidden" for="stable-name">
              Stable name
            </label>
            <input
              id="stable-name"
              type="text"
              class="stable-name-input"
              value={draft.name}
              maxLength={80}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={checked.ok ? undefined : 'true'}
              aria-describedby="stable-name-note"
              onInput={(event) => onChange({ ...draft, name: event.currentTarget.value })}
            />
            <span class="stable-zone">.{zone}</span>
          </div>
          <p id="stable-name-note" class={checked.ok ? 'stable-note' : 'stable-note invalid'} role={checked.ok ? undefined : 'alert'}>
            {checked.ok ? `https://${normaliseName(draft.name)}.${zone}, the same every time.` : checked.problem}
          </p>
        </>
      ) : null}
    </fieldset>
  );
}
