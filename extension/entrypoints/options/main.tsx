import { render } from 'preact';
import '../../ui/options.css';
import { App } from './App';
import { createOptionsEnv } from './options-env';

render(<App env={createOptionsEnv()} />, document.getElementById('app')!);
