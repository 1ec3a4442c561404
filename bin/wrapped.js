#!/usr/bin/env node
// The `wrapped` command. It runs the compiled code in dist/ (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'error: wrapped is not built yet.\nhint: run `npm install` (or `npm run build`) in the project folder.\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
