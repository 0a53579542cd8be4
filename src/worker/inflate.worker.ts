// The inflate worker: inflates gzip streams for the trace worker (see inflate.ts).

import { serveInflate } from './inflate.ts';

self.onmessage = (e: MessageEvent<{ file: Blob; port: MessagePort }>) => {
  void serveInflate(e.data.file.stream() as ReadableStream<Uint8Array>, e.data.port);
};
