// Machinery of the page matrix (tests/integration/page-matrix.test.ts): which app/**/page.tsx a URL
// renders and inside which layouts, and rendering a route the way the App Router does, outside
// Next.js.
//
// React 19 renders async server components only through the RSC renderer, which needs the
// `react-server` build of React. So the tree is resolved here instead: every server component
// (any function component that is not a client component) is called and awaited, the client
// components ('use client' files, next/link) are left as elements for react-dom/server to render,
// and the server components handed to them as props (children, dialog bodies) are resolved first,
// as RSC does. What a client component receives is recorded too: in the real app those props travel
// to the browser in the RSC payload even when the component does not render them into HTML.
//
// As in Next.js, a page and its layouts render independently: the page is rendered once, then each
// layout from the innermost out, with what is inside it as `children`. A redirect() or notFound()
// anywhere (layout, page or generateMetadata) is the route's outcome; the outermost one wins.
//
// This file imports no module the matrix mocks, so the mock factories may import it.
import fs from 'node:fs';
import path from 'node:path';
import { cloneElement, createElement, Fragment, isValidElement, type ComponentType, type ReactElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import Link from 'next/link';

// ---------------------------------------------------------------------------------------------
// Pages and layouts on disk

type Segment = { kind: 'static'; value: string } | { kind: 'dynamic'; name: string } | { kind: 'catchAll'; name: string; optional: boolean };

export type PageFile = {
  /** Relative to the repository, e.g. app/(site)/spaces/[key]/page.tsx. */
  file: string;
  /** The URL pattern, route groups left out, e.g. /spaces/[key]. */
  route: string;
  segments: Segment[];
  /** The layouts around the page, outermost first (relative to the repository). */
  layouts: string[];
};

const PAGE_NAME = /^page\.(tsx|ts|jsx|js|mdx)$/;
const LAYOUT_NAME = /^layout\.(tsx|ts|jsx|js)$/;

function toSegment(part: string): Segment {
  let m = /^\[\[\.\.\.(\w+)\]\]$/.exec(part);
  if (m) return { kind: 'catchAll', name: m[1], optional: true };
  m = /^\[\.\.\.(\w+)\]$/.exec(part);
  if (m) return { kind: 'catchAll', name: m[1], optional: false };
  m = /^\[(\w+)\]$/.exec(part);
  if (m) return { kind: 'dynamic', name: m[1] };
  return { kind: 'static', value: part };
}

/** Every page under `appDir` (route groups and private folders as Next.js treats them). */
export function scanPages(root: string, appDir = 'app'): PageFile[] {
  const pages: PageFile[] = [];
  const walk = (dir: string, parts: string[], layouts: string[]) => {
    const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const layout = entries.find((e) => e.isFile() && LAYOUT_NAME.test(e.name));
    const here = layout ? [...layouts, `${dir}/${layout.name}`] : layouts;
    for (const entry of entries) {
      if (entry.isFile() && PAGE_NAME.test(entry.name)) {
        const segments = parts.filter((p) => !/^\(.*\)$/.test(p) && !p.startsWith('@')).map(toSegment);
        const route = `/${segments.map((s) => (s.kind === 'static' ? s.value : s.kind === 'dynamic' ? `[${s.name}]` : `[...${s.name}]`)).join('/')}`;
        pages.push({ file: `${dir}/${entry.name}`, route, segments, layouts: here });
      }
      // Private folders (_name) are not routes.
      if (entry.isDirectory() && !entry.name.startsWith('_')) walk(`${dir}/${entry.name}`, [...parts, entry.name], here);
    }
  };
  walk(appDir, [], []);
  return pages.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The page a pathname renders, with its params: static segments win over dynamic ones, and
 * dynamic over catch-all, segment by segment (Next.js's order).
 */
export function matchPage(pages: PageFile[], pathname: string): { page: PageFile; params: Record<string, string | string[]> } | null {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let best: { page: PageFile; params: Record<string, string | string[]>; rank: string } | null = null;
  for (const page of pages) {
    const params: Record<string, string | string[]> = {};
    let rank = '';
    let ok = true;
    let i = 0;
    for (const segment of page.segments) {
      if (segment.kind === 'catchAll') {
        const rest = parts.slice(i);
        if (rest.length === 0 && !segment.optional) ok = false;
        else if (rest.length) params[segment.name] = rest;
        i = parts.length;
        rank += '2';
        break;
      }
      const part = parts[i++];
      if (part === undefined) ok = false;
      else if (segment.kind === 'static') {
        if (segment.value !== part) ok = false;
        rank += '0';
      } else {
        params[segment.name] = part;
        rank += '1';
      }
      if (!ok) break;
    }
    if (!ok || i !== parts.length) continue;
    if (!best || rank < best.rank) best = { page, params, rank };
  }
  return best && { page: best.page, params: best.params };
}

/** Whether a file starts with the 'use client' directive (comments and blank lines before it allowed). */
export const isUseClientFile = (source: string) => /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use client['"]/.test(source);

/** The files under `dirs` that start with 'use client' (relative to the repository). */
export function clientComponentFiles(root: string, dirs: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (/\.(tsx|ts|jsx|js)$/.test(entry.name) && isUseClientFile(fs.readFileSync(path.join(root, relative), 'utf8'))) files.push(relative);
    }
  };
  for (const dir of dirs) walk(dir);
  return files.sort();
}

// ---------------------------------------------------------------------------------------------
// next/navigation's hooks for client components (redirect/notFound stay Next.js's own)

const router = { push: () => {}, replace: () => {}, refresh: () => {}, back: () => {}, forward: () => {}, prefetch: () => {} };

export const navigationHooks = {
  useRouter: () => router,
  usePathname: () => '/',
  useSearchParams: () => new URLSearchParams(),
  useParams: () => ({}),
  useSelectedLayoutSegment: () => null,
  useSelectedLayoutSegments: () => [],
};

// ---------------------------------------------------------------------------------------------
// redirect() and notFound()

export type Signal = { kind: 'redirect'; to: string; status: number } | { kind: 'notFound' };

/**
 * What a thrown error means to Next.js: its digest is NEXT_REDIRECT;<type>;<url>;<status>; for
 * redirect() and NEXT_HTTP_ERROR_FALLBACK;404 for notFound(). Anything else is a real error.
 */
export function signalOf(error: unknown): Signal | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== 'string') return null;
  if (digest.startsWith('NEXT_REDIRECT;')) {
    const parts = digest.split(';');
    return { kind: 'redirect', to: parts.slice(2, -2).join(';'), status: Number(parts[parts.length - 2]) };
  }
  if (digest === 'NEXT_HTTP_ERROR_FALLBACK;404') return { kind: 'notFound' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Resolving server components

type Resolution = {
  client: ReadonlySet<unknown>;
  /** What each client component was handed, serialized (the RSC payload's share of the response). */
  payload: string[];
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

const nameOf = (type: unknown) => (typeof type === 'function' ? type.name || 'anonymous component' : String(type));

/** Props as the RSC payload carries them: functions (server actions) as references, elements as markup. */
function serializeProps(name: string, props: Record<string, unknown>): string {
  return `${name} ${JSON.stringify(props, (_key, value: unknown) => {
    if (typeof value === 'function') return '[server reference]';
    if (isValidElement(value)) return renderToStaticMarkup(value as ReactElement);
    if (value instanceof Set) return [...value];
    if (value instanceof Map) return Object.fromEntries(value);
    if (typeof value === 'bigint') return value.toString();
    return value;
  })}`;
}

async function resolveValue(value: unknown, r: Resolution): Promise<unknown> {
  if (isThenable(value)) return resolveValue(await value, r);
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveValue(v, r)));
  if (isValidElement(value)) return resolveElement(value as ReactElement<Record<string, unknown>>, r);
  if (isPlainObject(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveValue(v, r)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

async function resolveElement(element: ReactElement<Record<string, unknown>>, r: Resolution): Promise<unknown> {
  const { type } = element;
  const isClass = typeof type === 'function' && Boolean((type as { prototype?: { isReactComponent?: unknown } }).prototype?.isReactComponent);
  if (typeof type === 'function' && !isClass && !r.client.has(type)) {
    // A server component: call it (async or not) and resolve what it returned.
    let rendered: unknown;
    try {
      rendered = await (type as (props: unknown) => unknown)(element.props);
    } catch (error) {
      if (!signalOf(error) && /hook|dispatcher|reading 'use/i.test(String((error as Error)?.message))) {
        throw new Error(`${nameOf(type)} called a hook: it looks like a client component the page matrix does not know ('use client' outside components/ and app/?)`, { cause: error });
      }
      throw error;
    }
    const resolved = (await resolveValue(rendered, r)) as ReactNode;
    return element.key !== null ? createElement(Fragment, { key: element.key }, resolved) : resolved;
  }
  // Host elements, fragments, providers and client components: resolve what they are handed.
  // Children go back as arguments, as JSX passed them (an array prop would read as a keyless list).
  const { children, ...rest } = element.props;
  const props = (await resolveValue(rest, r)) as Record<string, unknown>;
  const inside = children === undefined ? [] : await resolveValue(children, r);
  if (typeof type === 'function') r.payload.push(serializeProps(nameOf(type), { ...props, children: inside }));
  if (children === undefined) return cloneElement(element, props);
  return Array.isArray(inside) ? cloneElement(element, props, ...(inside as ReactNode[])) : cloneElement(element, props, inside as ReactNode);
}

// ---------------------------------------------------------------------------------------------
// HTML and text

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export const decodeEntities = (html: string) =>
  html.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });

/** The text a person reads: tags and React's inline scripts left out, entities decoded, spaces collapsed. */
export const textOf = (html: string) =>
  decodeEntities(html.replace(/<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

// ---------------------------------------------------------------------------------------------
// Rendering a route

export type Rendered = {
  kind: 'rendered';
  html: string;
  /** What a person reads. */
  text: string;
  /** Everything that reaches the browser: the HTML (entities decoded, attributes kept) and the props of client components. */
  payload: string;
};
export type Outcome = Rendered | { kind: 'signal'; signal: Signal };

export type RouteRender = {
  /** The page component alone, without its layouts. */
  page: Outcome;
  /** The route as Next.js serves it: the page in its layouts, the metadata title, any redirect/notFound. */
  route: Outcome;
  /** Whether the layouts put the page into the HTML (false: a layout rendered something else instead). */
  layoutsShowPage: boolean;
};

export type PageModule = {
  default: ComponentType<Record<string, unknown>>;
  metadata?: { title?: unknown };
  generateMetadata?: (props: Record<string, unknown>) => Promise<{ title?: unknown }>;
};
export type LayoutModule = { default: ComponentType<Record<string, unknown>> };

/** The custom element the page is wrapped in while its layouts render, to see whether they show it. */
const PAGE_SLOT = 'page-matrix-slot';

async function settle(run: () => Promise<unknown>): Promise<{ value: unknown } | { signal: Signal }> {
  try {
    return { value: await run() };
  } catch (error) {
    const signal = signalOf(error);
    if (signal) return { signal };
    throw error;
  }
}

function rendered(tree: unknown, payload: string[], extraHtml = ''): Rendered {
  const html = extraHtml + renderToStaticMarkup(tree as ReactNode);
  return { kind: 'rendered', html, text: textOf(html), payload: [decodeEntities(html), ...payload].join('\n') };
}

export async function renderRoute(options: {
  page: PageModule;
  /** Outermost first. */
  layouts: LayoutModule[];
  params: Record<string, string | string[]>;
  searchParams: Record<string, string | string[]>;
  client: ReadonlySet<unknown>;
}): Promise<RouteRender> {
  const { page, layouts, params, searchParams, client } = options;
  // Next.js hands every segment its own promises.
  const pageProps = () => ({ params: Promise.resolve({ ...params }), searchParams: Promise.resolve({ ...searchParams }) });

  // The page, once, as Next.js renders it.
  const pageResolution: Resolution = { client, payload: [] };
  const pageSettled = await settle(() => resolveValue(createElement(page.default, pageProps()), pageResolution));
  const pageOutcome: Outcome = 'signal' in pageSettled ? { kind: 'signal', signal: pageSettled.signal } : rendered(pageSettled.value, pageResolution.payload);

  // Its metadata (the <title>), which Next.js resolves for the same request.
  const metadataSettled = page.generateMetadata ? await settle(() => page.generateMetadata!(pageProps())) : { value: page.metadata ?? {} };
  const title = 'value' in metadataSettled ? (metadataSettled.value as { title?: unknown } | undefined)?.title : undefined;

  // The layouts, innermost first, each around what is inside it.
  const routeResolution: Resolution = { client, payload: [...pageResolution.payload] };
  const signals: Signal[] = [];
  let inside: unknown = 'signal' in pageSettled ? null : createElement(PAGE_SLOT, null, pageSettled.value as ReactNode);
  for (const layout of [...layouts].reverse()) {
    const settled = await settle(() => resolveValue(createElement(layout.default, { params: Promise.resolve({ ...params }) }, inside as ReactNode), routeResolution));
    if ('signal' in settled) {
      signals.unshift(settled.signal);
      inside = null;
    } else inside = settled.value;
  }
  if ('signal' in metadataSettled) signals.push(metadataSettled.signal);
  if ('signal' in pageSettled) signals.push(pageSettled.signal);

  if (signals.length) return { page: pageOutcome, route: { kind: 'signal', signal: signals[0] }, layoutsShowPage: false };
  const titleHtml = typeof title === 'string' ? `<title>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title>` : '';
  const route = rendered(inside, routeResolution.payload, titleHtml);
  const layoutsShowPage = route.html.includes(`<${PAGE_SLOT}>`);
  const unslot = (text: string) => text.replaceAll(`<${PAGE_SLOT}>`, '').replaceAll(`</${PAGE_SLOT}>`, '');
  // A layout that renders something else instead of its children does not keep the page from the
  // browser: the page's segment is in the RSC payload all the same.
  const pagePayload = !layoutsShowPage && pageOutcome.kind === 'rendered' ? `\n${pageOutcome.payload}` : '';
  return { page: pageOutcome, route: { ...route, html: unslot(route.html), payload: unslot(route.payload) + pagePayload }, layoutsShowPage };
}

/** next/link's Link is a client component of Next.js itself. */
export const FRAMEWORK_CLIENT_COMPONENTS: unknown[] = [Link];
