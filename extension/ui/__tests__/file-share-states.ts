import { TEST_HELLO } from '../../lib/__tests__/scripted-host';
import { INITIAL_STATE, type PortholeState } from '../../lib/porthole-state';

export { NOW, tracked } from './popup-states';

/** A connected host that can share folders. */
export const TEST_HELLO_STATE: PortholeState = { ...INITIAL_STATE, host: { status: 'connected' }, hello: TEST_HELLO };
