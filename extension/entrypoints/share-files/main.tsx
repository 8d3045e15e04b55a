import { render } from 'preact';
import { browser } from 'wxt/browser';
import { backgroundCommandsProxy } from '../../lib/background-commands';
import { readState, watchState } from '../../lib/share-store';
import '../../ui/popup.css';
import '../../ui/share-files.css';
import { App } from './App';

render(
  <App
    env={{
      background: backgroundCommandsProxy((message) => browser.runtime.sendMessage(message)),
      readState: () => readState(browser.storage.session),
      watchState: (listener) => watchState(browser.storage.onChanged, listener),
      writeClipboard: (text) => navigator.clipboard.writeText(text),
      openTab: (url) => void browser.tabs.create({ url }),
    }}
  />,
  document.getElementById('app')!,
);
