// Measures the web UI's budgets in headless Chromium against a running `visionary serve`:
//   - JavaScript + CSS transferred for the first load (gzip, as served);
//   - total bytes of the first load of a gallery of 100 images, and how many were image bytes;
//   - image bytes downloaded again by a gallery refresh within the links' stability window;
//   - time from navigation to the first 12 thumbnails decoded and visible.
// Usage: node bench/ui_budget.mjs http://127.0.0.1:PORT   (the gallery should hold >= 100 images)
import { chromium } from '../tests/node_modules/playwright-core/index.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/ui_budget.mjs <server url>');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
const transfers = new Map();  // requestId → {url, type, bytes}
cdp.on('Network.responseReceived', (e) => transfers.set(e.requestId, { url: e.response.url, type: e.type, bytes: 0 }));
cdp.on('Network.loadingFinished', (e) => {
  const t = transfers.get(e.requestId);
  if (t) t.bytes = e.encodedDataLength;
});
const sum = (filter) => [...transfers.values()].filter(filter).reduce((n, t) => n + t.bytes, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const started = Date.now();
await page.goto(base);
await page.waitForFunction(() => {
  const images = [...document.querySelectorAll('ul[aria-label="Generated images"] img')].slice(0, 12);
  return images.length === 12 && images.every((img) => img.complete && img.naturalWidth > 0);
}, null, { timeout: 30_000, polling: 'raf' });
const firstTwelveMs = Date.now() - started;
// Let lazy loading settle for everything in view and the idle network to finish.
await page.waitForLoadState('networkidle');

const scriptsAndStyles = sum((t) => t.type === 'Script' || t.type === 'Stylesheet');
const firstLoadTotal = sum(() => true);
const firstLoadImages = sum((t) => t.type === 'Image');
const imageRequests = [...transfers.values()].filter((t) => t.type === 'Image').length;

transfers.clear();
await page.getByRole('button', { name: /refresh/i }).click();
await page.waitForLoadState('networkidle');
const refreshImages = sum((t) => t.type === 'Image');
const refreshRequests = [...transfers.values()].map((t) => new URL(t.url).pathname);

console.log(`JS + CSS on first load (as transferred): ${kb(scriptsAndStyles)}`);
console.log(`first load total: ${kb(firstLoadTotal)} (${imageRequests} images, ${kb(firstLoadImages)} of image bytes)`);
console.log(`image bytes re-downloaded by a refresh: ${refreshImages} B (requests: ${refreshRequests.join(', ') || 'none'})`);
console.log(`navigation to first 12 thumbnails visible: ${firstTwelveMs} ms`);
await browser.close();
