import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';

export const SHORTCUTS: [string, string][] = [
  ['W / S', 'zoom in / out at the mouse'],
  ['A / D', 'pan left / right'],
  ['Ctrl/⌘ + wheel', 'zoom at the mouse'],
  ['wheel', 'scroll the tracks'],
  ['Shift + wheel, or drag', 'pan'],
  ['drag on the ruler', 'select a time range'],
  ['click', 'select a slice'],
  ['F', 'fit the selection (or the whole trace)'],
  ['Esc', 'clear the selection and range'],
  ['Ctrl/⌘ + O', 'open a trace'],
  ['?', 'show this list'],
];

export function HelpOverlay() {
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.showHelp);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => store.setState({ showHelp: false })}>
      <div className="modal" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, v]) => (
              <tr key={k}><th scope="row"><kbd>{k}</kbd></th><td>{v}</td></tr>
            ))}
          </tbody>
        </table>
        <button type="button" autoFocus onClick={() => store.setState({ showHelp: false })}>Close</button>
      </div>
    </div>
  );
}
