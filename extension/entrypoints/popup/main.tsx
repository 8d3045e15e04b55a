import { render } from 'preact';
import '../../ui/popup.css';
import { App } from './App';
import { createPopupEnv } from './popup-env';

render(<App env={createPopupEnv(window.location)} />, document.getElementById('app')!);
