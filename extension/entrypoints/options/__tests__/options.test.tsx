import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readPreferences } from '../../../lib/preferences';
import { App } from '../App';

afterEach(cleanup);
beforeEach(() => fakeBrowser.reset());

describe('options page', () => {
  it('starts from the defaults: copy automatically on, stop with the tab off', async () => {
    render(<App area={fakeBrowser.storage.sync} />);
    const copy = (await screen.findByRole('checkbox', { name: /Copy the public address automatically/ })) as HTMLInputElement;
    const stop = screen.getByRole('checkbox', { name: /Stop a share when its tab closes/ }) as HTMLInputElement;
    await waitFor(() => expect(copy.disabled).toBe(false));
    expect(copy.checked).toBe(true);
    expect(stop.checked).toBe(false);
  });

  it('saves each change at once, where the background reads it', async () => {
    render(<App area={fakeBrowser.storage.sync} />);
    const stop = (await screen.findByRole('checkbox', { name: /Stop a share when its tab closes/ })) as HTMLInputElement;
    await waitFor(() => expect(stop.disabled).toBe(false));
    fireEvent.click(stop);
    fireEvent.click(screen.getByRole('checkbox', { name: /Copy the public address automatically/ }));
    await waitFor(async () =>
      expect(await readPreferences(fakeBrowser.storage.sync)).toEqual({ copyWhenReady: false, stopWhenTabCloses: true }),
    );

    cleanup();
    render(<App area={fakeBrowser.storage.sync} />);
    const again = (await screen.findByRole('checkbox', { name: /Stop a share when its tab closes/ })) as HTMLInputElement;
    await waitFor(() => expect(again.checked).toBe(true));
  });
});
