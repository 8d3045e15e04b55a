import { liveShares, type PortholeState } from './porthole-state';
import type { ShareController } from './share-controller';

export const BADGE_COLOR = '#1f6feb';

/** The toolbar badge: how many shares are live (or starting); empty when none. */
function badgeText(state: PortholeState): string {
  const count = liveShares(state).length;
  return count === 0 ? '' : String(count);
}

export function addLiveShareBadge(controller: ShareController, setBadge: (badge: { text: string; color: string }) => Promise<void>): void {
  let shown: string | null = null;
  const show = (state: PortholeState) => {
    const text = badgeText(state);
    if (text === shown) return;
    shown = text;
    setBadge({ text, color: BADGE_COLOR }).catch((error: unknown) => console.error('Porthole could not set its badge:', error));
  };
  controller.subscribe(show);
  show(controller.getState());
}
