import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export type AssetKind = 'html' | 'css' | 'js' | 'font' | 'image' | 'other';

export interface PageWeight {
  /** Bytes on the wire (compressed when the server compresses), everything the page loads. */
  transferBytes: number;
  /** The same once decompressed. */
  decodedBytes: number;
  byKind: Record<AssetKind, number>;
  assets: Array<{ url: string; kind: AssetKind; transferBytes: number }>;
}

interface Fetched {
  transferBytes: number;
  text: string;
  decodedBytes: number;
  contentType: string;
}

function fetchCounted(url: string, headers: Record<string, string>): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { 'accept-encoding': 'br, gzip, deflate', ...headers } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url} answered ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const wire = Buffer.concat(chunks);
        const encoding = String(response.headers['content-encoding'] ?? '');
        const decoded =
          encoding === 'br'
            ? brotliDecompressSync(wire)
            : encoding === 'gzip'
              ? gunzipSync(wire)
              : encoding === 'deflate'
                ? inflateSync(wire)
                : wire;
        resolve({
          transferBytes: wire.length,
          decodedBytes: decoded.length,
          text: decoded.toString('utf8'),
          contentType: String(response.headers['content-type'] ?? ''),
        });
      });
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`${url} took over 10 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const attribute = (tag: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(2).find(Boolean);

/** What an HTML page makes a browser fetch: stylesheets, preloads, icons, scripts and images. */
function subresourcesOfHtml(htmlText: string): string[] {
  const found: string[] = [];
  for (const [tag] of htmlText.matchAll(/<(link|script|img|source)\b[^>]*>/gi)) {
    const name = tag.slice(1).split(/[\s>]/)[0]!.toLowerCase();
    if (name === 'link') {
      const rel = (attribute(tag, 'rel') ?? '').toLowerCase();
      if (/stylesheet|preload|modulepreload|icon/.test(rel)) {
        const href = attribute(tag, 'href');
        if (href) found.push(href);
      }
    } else {
      const source = attribute(tag, 'src');
      if (source) found.push(source);
    }
  }
  return found;
}

/** Fonts, images and imported sheets a stylesheet loads. */
function subresourcesOfCss(cssText: string): string[] {
  return [...cssText.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/gi)].map((match) => match[2]!).filter(Boolean);
}

function kindOf(url: string, contentType: string): AssetKind {
  const path = new URL(url).pathname.toLowerCase();
  if (contentType.includes('text/html')) return 'html';
  if (contentType.includes('css') || path.endsWith('.css')) return 'css';
  if (contentType.includes('javascript') || /\.m?js$/.test(path)) return 'js';
  if (contentType.includes('font') || /\.(woff2?|ttf|otf)$/.test(path)) return 'font';
  if (contentType.startsWith('image/') || /\.(png|svg|jpe?g|webp|gif|ico|avif)$/.test(path)) return 'image';
  return 'other';
}

/**
 * The weight of one page as a first visit loads it: the HTML, then every stylesheet, script,
 * preload, icon and image it names, and the fonts and images those stylesheets name, each
 * counted once. Data URLs are already inside the file that holds them.
 */
export async function measurePageWeight(pageUrl: string, headers: Record<string, string> = {}): Promise<PageWeight> {
  const weight: PageWeight = {
    transferBytes: 0,
    decodedBytes: 0,
    byKind: { html: 0, css: 0, js: 0, font: 0, image: 0, other: 0 },
    assets: [],
  };
  const seen = new Set<string>();
  const pending: string[] = [pageUrl];
  while (pending.length > 0) {
    const url = pending.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const fetched = await fetchCounted(url, headers);
    const kind = url === pageUrl ? 'html' : kindOf(url, fetched.contentType);
    weight.transferBytes += fetched.transferBytes;
    weight.decodedBytes += fetched.decodedBytes;
    weight.byKind[kind] += fetched.transferBytes;
    weight.assets.push({ url, kind, transferBytes: fetched.transferBytes });
    const named =
      kind === 'html' ? subresourcesOfHtml(fetched.text) : kind === 'css' ? subresourcesOfCss(fetched.text) : [];
    // Inline <style> blocks can name fonts too.
    if (kind === 'html')
      for (const [, css] of fetched.text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi))
        named.push(...subresourcesOfCss(css!));
    for (const reference of named) {
      if (reference.startsWith('data:')) continue;
      const absolute = new URL(reference, url);
      // Only this server's files: the pages load nothing from elsewhere, and the bench must not either.
      if (absolute.origin !== new URL(pageUrl).origin)
        throw new Error(`${pageUrl} loads ${absolute.href} from elsewhere`);
      absolute.hash = '';
      pending.push(absolute.href);
    }
  }
  return weight;
}
