// The dashboard's shell: sign-in with the admin key, the tenant picker, the navigation and a hash router.
import './style.css';
import { api, ApiError, session } from './api.js';
import { h } from './dom.js';
import { renderCall, renderCalls } from './pages/calls.js';
import { renderOperations } from './pages/operations.js';
import { renderQuality } from './pages/quality.js';
import { renderTelephony } from './pages/telephony.js';
import { renderTenants } from './pages/tenants.js';

export interface Tenant {
  id: string;
  displayName: string;
  createdMs: number;
}

export interface PageContext {
  main: HTMLElement;
  params: URLSearchParams;
  /** The path after the page's name (a call id). */
  rest: string;
  /** The server's (virtual) clock, for default periods. */
  nowMs: number;
  tenants: Tenant[];
  /** Reloads the tenant list and the shell (after a tenant was created or deleted). */
  refreshTenants(): Promise<void>;
}

const PAGES: { path: string; title: string; render: (c: PageContext) => Promise<void> }[] = [
  { path: 'quality', title: 'Quality overview', render: renderQuality },
  { path: 'calls', title: 'Call explorer', render: renderCalls },
  { path: 'telephony', title: 'Telephony', render: renderTelephony },
  { path: 'operations', title: 'Webhooks and operations', render: renderOperations },
  { path: 'tenants', title: 'Tenants and apps', render: renderTenants },
];

const root = document.getElementById('app')!;
let tenants: Tenant[] = [];

function signIn(message?: string): void {
  const input = h('input', {
    id: 'admin-key',
    name: 'admin-key',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'callrecords dashboard'),
    h('p', {}, 'Sign in with the server’s admin key. It is kept for this browser tab only.'),
    h('label', { for: 'admin-key' }, 'Admin key'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        await api('/tenants', { key: input.value });
        session.key = input.value;
        await start();
      } catch (err) {
        error.textContent =
          err instanceof ApiError && err.status === 401
            ? 'That admin key is not valid.'
            : String((err as Error).message);
      }
    })();
  });
  root.replaceChildren(h('main', { class: 'signin-main' }, form));
  input.focus();
}

async function loadTenants(): Promise<void> {
  tenants = (await api<{ value: Tenant[] }>('/tenants')).value;
  if (!tenants.some((t) => t.id === session.tenant)) {
    const demo = tenants.find((t) => /demo/i.test(t.displayName)) ?? tenants[0];
    session.tenant = demo?.id ?? null;
  }
}

function shell(): HTMLElement {
  const select = h(
    'select',
    { id: 'tenant', name: 'tenant' },
    ...tenants.map((t) =>
      h(
        'option',
        { value: t.id, selected: t.id === session.tenant },
        `${t.displayName} (${t.id.slice(0, 8)})`,
      ),
    ),
  );
  select.addEventListener('change', () => {
    session.tenant = select.value;
    void route();
  });
  const current = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'quality';
  const main = h('main', { id: 'content', tabindex: -1 });
  root.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'callrecords'),
      h(
        'nav',
        { 'aria-label': 'Pages' },
        h(
          'ul',
          {},
          ...PAGES.map((p) =>
            h(
              'li',
              {},
              h(
                'a',
                {
                  href: `#/${p.path}`,
                  'aria-current':
                    p.path === current || (current === 'call' && p.path === 'calls') ? 'page' : null,
                },
                p.title,
              ),
            ),
          ),
        ),
      ),
      h('div', { class: 'tenant-pick' }, h('label', { for: 'tenant' }, 'Tenant'), select),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            session.key = null;
            signIn();
          },
        },
        'Sign out',
      ),
    ),
    main,
  );
  return main;
}

async function route(): Promise<void> {
  const main = shell();
  const [pathPart, query] = location.hash.replace(/^#\/?/, '').split('?') as [string, string | undefined];
  const [name, ...rest] = (pathPart || 'quality').split('/');
  const page =
    name === 'call'
      ? { title: 'Call', render: renderCall }
      : (PAGES.find((p) => p.path === name) ?? PAGES[0]!);
  document.title = `${page.title} · callrecords`;
  main.append(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  const clock = await api<{ now: string }>('/clock');
  const started = performance.now();
  try {
    const ctx: PageContext = {
      main,
      params: new URLSearchParams(query ?? ''),
      rest: rest.join('/'),
      nowMs: Date.parse(clock.now),
      tenants,
      refreshTenants: async () => {
        await loadTenants();
        await route();
      },
    };
    main.replaceChildren();
    await page.render(ctx);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signIn('The admin key is no longer valid.');
    main.replaceChildren(
      h('h1', {}, page.title),
      h('p', { class: 'error', role: 'alert' }, (err as Error).message),
    );
  }
  // Tests and the benchmark read these: the page's data is in, and how long it took.
  main.dataset.loadMs = String(Math.round(performance.now() - started));
  main.dataset.loaded = 'true';
}

async function start(): Promise<void> {
  await loadTenants();
  if (!location.hash) history.replaceState(null, '', '#/quality');
  await route();
}

window.addEventListener('hashchange', () => {
  if (session.key) void route();
});

if (session.key) {
  start().catch((err) =>
    signIn(
      err instanceof ApiError && err.status === 401
        ? 'The admin key is no longer valid.'
        : (err as Error).message,
    ),
  );
} else signIn();
