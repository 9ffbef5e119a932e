// The renderer's entry: connect to the host, route its events to the stores, and mount the UI.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge } from './bridge.js';
import { App } from './components/App.js';
import { TokenMissing } from './components/TokenMissing.js';
import { routeHostEvents } from './hostEvents.js';
import { guardPageLeave } from './upload/pageLeaveGuard.js';
import './app.css';

const transport = connectBridge();
const root = createRoot(document.getElementById('root') as HTMLElement);

if (transport.kind === 'missing-token') {
  root.render(<TokenMissing />);
} else {
  routeHostEvents();
  guardPageLeave();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
