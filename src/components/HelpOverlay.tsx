import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { useModalFocus } from './modal-focus.ts';
import { setHelp } from '../store/actions.ts';

export const SHORTCUTS: [string, string][] = [
  ['W / S', 'zoom in / out at the mouse'],
  ['A / D', 'pan left / right'],
  ['Ctrl/⌘ + wheel', 'zoom at the mouse'],
  ['wheel', 'scroll the tracks'],
  ['Shift + wheel, or drag', 'pan'],
  ['drag on the ruler, or Shift + drag', 'select a time range'],
  ['R', "make the selected slice's span the range"],
  ['click', 'select a slice'],
  ['← / →', 'previous / next slice in the row'],
  ['↑ / ↓', 'parent / first child slice'],
  ['F', 'fit the selected slice or range, whichever was picked last (else the whole trace)'],
  ['Esc', 'close this dialog, else clear the selection and range'],
  ['/ or Ctrl/⌘ + F', 'search slice names (/regex/ too); Enter / Shift+Enter step through the matches'],
  ['L', 'copy a link to this view (the address bar always holds it too)'],
  ['Ctrl/⌘ + O', 'open a trace'],
  ['?', 'show this list'],
];

export function HelpOverlay() {
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.showHelp);
  const dialog = useModalFocus<HTMLDivElement>(open);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => setHelp(store, false)}>
      <div ref={dialog} className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" tabIndex={-1} onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, v]) => (
              <tr key={k}><th scope="row"><kbd>{k}</kbd></th><td>{v}</td></tr>
            ))}
          </tbody>
        </table>
        <button type="button" data-autofocus onClick={() => setHelp(store, false)}>Close</button>
      </div>
    </div>
  );
}
