// Tenants and apps: create and delete tenants and app registrations (a new secret is shown once), grant roles, and
// generate realistic data into a tenant with its progress.
import { api, session, tenantPath } from '../api.js';
import { h, num, table } from '../dom.js';
import type { PageContext } from '../main.js';

interface App {
  clientId: string;
  displayName: string;
  roles: string[];
  createdDateTime: string;
  secrets: { keyId: string; hint: string; expires: string }[];
}

interface Job {
  id: string;
  state: string;
  records: number;
  expectedRecords: number;
  progress: number;
  error: string | null;
}

function confirmButton(label: string, run: () => Promise<void>): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'danger' }, label);
  let armed = false;
  b.addEventListener('click', () => {
    if (!armed) {
      armed = true;
      b.textContent = `Confirm: ${label.toLowerCase()}`;
      return;
    }
    void run();
  });
  return b;
}

export async function renderTenants(c: PageContext): Promise<void> {
  const status = h('p', { role: 'status', class: 'status' });
  const fail = (err: unknown): void => {
    status.textContent = (err as Error).message;
  };
  const current = c.tenants.find((t) => t.id === session.tenant);
  const apps = current
    ? await api<{ value: App[]; knownRoles: string[] }>(tenantPath('/apps'))
    : { value: [], knownRoles: [] };

  const tenantName = h('input', { type: 'text', required: true, maxlength: 256 });
  const tenantForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Create a tenant' },
    h('div', { class: 'field' }, h('label', { for: 'tenant-name' }, 'Tenant name'), tenantName),
    h('button', { type: 'submit' }, 'Create tenant'),
  );
  tenantName.id = 'tenant-name';
  tenantForm.addEventListener('submit', (e) => {
    e.preventDefault();
    api<{ id: string }>('/tenants', { method: 'POST', body: { displayName: tenantName.value } })
      .then(async (t) => {
        session.tenant = t.id;
        await c.refreshTenants();
      })
      .catch(fail);
  });

  const roleBoxes = (prefix: string, checked: string[]) =>
    apps.knownRoles.map((r) => {
      const id = `${prefix}-${r.replace(/\W/g, '-')}`;
      return h(
        'span',
        { class: 'check' },
        h('input', { type: 'checkbox', id, value: r, checked: checked.includes(r) }),
        h('label', { for: id }, r),
      );
    });
  const appName = h('input', { type: 'text', id: 'app-name', required: true, maxlength: 256 });
  const newRoles = h(
    'fieldset',
    {},
    h('legend', {}, 'Roles'),
    ...roleBoxes('new-role', ['CallRecords.Read.All']),
  );
  const secretBox = h('div', { class: 'secret', 'aria-live': 'polite' });
  const appForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Register an app' },
    h('div', { class: 'field' }, h('label', { for: 'app-name' }, 'App name'), appName),
    newRoles,
    h('button', { type: 'submit' }, 'Register app'),
  );
  appForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const roles = [...newRoles.querySelectorAll('input:checked')].map((i) => (i as HTMLInputElement).value);
    api<{ clientId: string; secret: { value: string } }>(tenantPath('/apps'), {
      method: 'POST',
      body: { displayName: appName.value, roles },
    })
      .then(async (a) => {
        await renderTenantsAgain(c);
        c.main
          .querySelector('.secret')
          ?.replaceChildren(
            h('p', {}, 'Client id: ', h('code', { 'data-field': 'client-id' }, a.clientId)),
            h(
              'p',
              {},
              'Client secret (shown only now; only a hash is stored): ',
              h('code', { 'data-field': 'client-secret' }, a.secret.value),
            ),
          );
      })
      .catch(fail);
  });

  const users = h('input', { type: 'number', id: 'gen-users', min: 1, max: 100000, value: 25 });
  const days = h('input', { type: 'number', id: 'gen-days', min: 1, max: 400, value: 7 });
  const seed = h('input', { type: 'number', id: 'gen-seed', min: 0, value: 1 });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Generation progress' });
  const progressText = h('span', { 'data-field': 'generate-progress' }, '');
  const genForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Generate data' },
    h('div', { class: 'field' }, h('label', { for: 'gen-users' }, 'Users'), users),
    h('div', { class: 'field' }, h('label', { for: 'gen-days' }, 'Days'), days),
    h('div', { class: 'field' }, h('label', { for: 'gen-seed' }, 'Seed'), seed),
    h('button', { type: 'submit' }, 'Generate data'),
  );
  genForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        let job = await api<Job>(tenantPath('/generate'), {
          method: 'POST',
          body: { users: Number(users.value), days: Number(days.value), seed: Number(seed.value) },
        });
        while (job.state === 'running') {
          bar.value = job.progress;
          progressText.textContent = `${num(job.records)} of about ${num(job.expectedRecords)} records`;
          await new Promise((r) => setTimeout(r, 400));
          job = await api<Job>(`/jobs/${job.id}`);
        }
        bar.value = job.state === 'succeeded' ? 1 : bar.value;
        progressText.textContent =
          job.state === 'succeeded'
            ? `Done: ${num(job.records)} records`
            : `${job.state}: ${job.error ?? ''}`;
      } catch (err) {
        fail(err);
      }
    })();
  });

  c.main.append(
    h('h1', {}, 'Tenants and apps'),
    status,
    table(
      'Tenants',
      ['Name', 'Id', 'Created (UTC)', ''],
      c.tenants.map((t) => [
        t.displayName,
        h('code', {}, t.id),
        new Date(t.createdMs).toISOString().slice(0, 16).replace('T', ' '),
        confirmButton(`Delete ${t.displayName}`, () =>
          api(`/tenants/${t.id}`, { method: 'DELETE' })
            .then(() => c.refreshTenants())
            .catch(fail),
        ),
      ]),
      { id: 'tenants' },
    ),
    tenantForm,
    h('h2', {}, `Apps of ${current?.displayName ?? 'no tenant'}`),
    table(
      'App registrations',
      ['Name', 'Client id', 'Roles', 'Secrets', ''],
      apps.value.map((a) => {
        const boxes = h('span', {}, ...roleBoxes(`role-${a.clientId.slice(0, 8)}`, a.roles));
        return [
          a.displayName,
          h('code', {}, a.clientId),
          h(
            'span',
            {},
            boxes,
            h(
              'button',
              {
                type: 'button',
                onclick: () => {
                  const roles = [...boxes.querySelectorAll('input:checked')].map(
                    (i) => (i as HTMLInputElement).value,
                  );
                  api(tenantPath(`/apps/${a.clientId}/roles`), { method: 'PUT', body: { roles } })
                    .then(() => (status.textContent = `Roles of ${a.displayName} saved.`))
                    .catch(fail);
                },
              },
              'Save roles',
            ),
          ),
          a.secrets.map((x) => `${x.hint}… until ${x.expires.slice(0, 10)}`).join(', '),
          confirmButton(`Delete ${a.displayName}`, () =>
            api(tenantPath(`/apps/${a.clientId}`), { method: 'DELETE' })
              .then(() => renderTenantsAgain(c))
              .catch(fail),
          ),
        ];
      }),
      { id: 'apps' },
    ),
    appForm,
    secretBox,
    h('h2', {}, 'Generate data'),
    h(
      'p',
      {},
      'Realistic call records and telephony logs for the selected tenant, ending at the server’s clock.',
    ),
    genForm,
    h('p', {}, bar, ' ', progressText),
  );
}

async function renderTenantsAgain(c: PageContext): Promise<void> {
  c.main.replaceChildren();
  await renderTenants(c);
}
