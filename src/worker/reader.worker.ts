// The reader worker: reads files, inflating gzip ones, for the trace worker (see file-stream.ts).

import { serveFile } from './file-stream.ts';

self.onmessage = (e: MessageEvent<{ file: Blob; port: MessagePort }>) => {
  void serveFile(e.data.file.stream() as ReadableStream<Uint8Array>, e.data.port);
};
