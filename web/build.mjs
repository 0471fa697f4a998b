// Builds the map page into dist/: index.html, assets/app.js, assets/app.css
// and the images Leaflet's CSS refers to. Every URL is relative and nothing
// is fetched from the internet at run time.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });
await copyFile(join(here, 'src', 'index.html'), join(dist, 'index.html'));

const options = {
  entryPoints: { app: join(here, 'src', 'main.js') },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: !watch,
  sourcemap: true,
  outdir: join(dist, 'assets'),
  loader: { '.png': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
