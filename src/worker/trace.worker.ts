import * as Comlink from 'comlink';
import { traceApi } from './trace-api.ts';

Comlink.expose(traceApi);
