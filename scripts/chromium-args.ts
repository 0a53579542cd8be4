// Flags for headless Debian Chromium here, shared by the e2e config and the benchmark:
// no sandbox (we run as root), no GPU, and none of the background connections that this
// closed network would refuse.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
