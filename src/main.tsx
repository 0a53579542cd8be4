// Wiring only: the store, the automation API, the page, and the URL (the view's permalink).

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAutomationApi, type RendererHandle } from './actions/automation.ts';
import { keepTheme, savedTheme } from './actions/theme-pref.ts';
import { startUrlSync } from './actions/permalink.ts';
import { warmUpWhileIdle } from './actions/warm-up.ts';
import { App } from './components/App.tsx';
import { createAppStore } from './store/app-store.ts';
import { StoreProvider } from './store/hooks.tsx';
import { traceWorker } from './worker/client.ts';

const theme = savedTheme();
const store = createAppStore(theme ? { theme } : {});
keepTheme(store);
// Before the first paint: no flash of the light page for a dark theme.
document.documentElement.dataset.theme = store.getState().theme;
let renderer: RendererHandle | null = null;
const api = createAutomationApi(store, () => renderer);
window.kinetoscope = api;

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App api={api} setRenderer={(r) => (renderer = r)} />
    </StoreProvider>
  </StrictMode>,
);

const params = new URLSearchParams(location.search);
// ?workers=N: parse workers (0: parse on the trace worker alone); default: worker/cores.ts.
const workers = params.get('workers');
if (workers !== null && /^\d+$/.test(workers)) void traceWorker().setParseWorkers(Number(workers));
// ?reader=worker|here: files read (gzip inflated) on the reader worker (the default) or on the
// trace worker. ?inflate= is its older name.
const reader = params.get('reader') ?? params.get('inflate');
if (reader === 'worker' || reader === 'here') void traceWorker().setReaderWorker(reader === 'worker');

// Start the worker now; it and the page warm up while the user picks a file (?warm=0: neither;
// ?warm=start: the workers start, nothing warms up).
const warm = params.get('warm');
if (warm !== '0') warmUpWhileIdle(store, warm === 'start' ? 'start' : 'full');

// ?trace=, ?cmp= and the view: opened and restored, then kept in step with the page.
startUrlSync(store, (source, options) => api.open(source, options), (sources) => api.open(sources));
