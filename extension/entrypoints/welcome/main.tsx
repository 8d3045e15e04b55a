import { render } from 'preact';
import { browser } from 'wxt/browser';
import { backgroundCommandsProxy } from '../../lib/background-commands';
import { readState, watchState } from '../../lib/share-store';
import '../../ui/welcome.css';
import { App } from './App';

const isFirefox = typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

render(
  <App
    env={{
      platform: () => browser.runtime.getPlatformInfo().then((info) => info.os),
      browser: isFirefox ? 'firefox' : 'chromium',
      background: backgroundCommandsProxy((message) => browser.runtime.sendMessage(message)),
      readState: () => readState(browser.storage.session),
      watchState: (listener) => watchState(browser.storage.onChanged, listener),
      writeClipboard: (text) => navigator.clipboard.writeText(text),
    }}
  />,
  document.getElementById('app')!,
);
