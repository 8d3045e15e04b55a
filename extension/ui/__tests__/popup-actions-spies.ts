import { vi } from 'vitest';
import type { PopupActions } from '../popup-actions';

/** Every popup action as a spy: the view tests click and read what was asked. */
export function actions() {
  return {
    share: vi.fn<PopupActions['share']>(),
    configure: vi.fn<PopupActions['configure']>(),
    stop: vi.fn<PopupActions['stop']>(),
    restart: vi.fn<PopupActions['restart']>(),
    stopAll: vi.fn<PopupActions['stopAll']>(),
    copy: vi.fn<PopupActions['copy']>(),
    copyPassword: vi.fn<PopupActions['copyPassword']>(),
    open: vi.fn<PopupActions['open']>(),
    retry: vi.fn<PopupActions['retry']>(),
    dismiss: vi.fn<PopupActions['dismiss']>(),
  } satisfies PopupActions;
}
