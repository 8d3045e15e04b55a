import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../ui/options.css';
import { App } from './App';

render(<App area={browser.storage.sync} />, document.getElementById('app')!);
