#!/usr/bin/env node
// The `kinetoscope` bin (package.json): runs cli.ts through tsx (a devDependency, which
// `npm ci` installs).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./cli.ts', import.meta.url);
await main(process.argv.slice(2));
