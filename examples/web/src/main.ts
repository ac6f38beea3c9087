import { createSentinelClient, SentinelError } from '@sentinel/client';

/** Where Sentinel answers: another origin of the same site (see the README's "Clients"). */
const baseUrl = import.meta.env.VITE_SENTINEL_URL ?? 'http://localhost:3000';

const client = createSentinelClient({
  baseUrl,
  mode: 'cookie',
  onSessionEnded: (error) => showSignIn(`Your session ended (${error.code}). Sign in again.`),
});

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const signInForm = $<HTMLFormElement>('#sign-in');
const signedIn = $<HTMLElement>('#signed-in');

function show(view: 'signed-in' | 'signed-out', notice = ''): void {
  document.body.dataset.view = view;
  signInForm.hidden = view !== 'signed-out';
  signedIn.hidden = view !== 'signed-in';
  $('#notice').textContent = notice;
}

function showSignIn(notice = ''): void {
  show('signed-out', notice);
}

/** Runs a user action; an error is a notice, a session that ended is the sign-in screen. */
async function act(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof SentinelError && error.status === 401) return showSignIn(error.message);
    $('#notice').textContent = error instanceof Error ? error.message : String(error);
  }
}

async function loadProfile(): Promise<void> {
  const { data, error } = await client.api.GET('/users/me');
  if (!data) throw new SentinelError(error);
  const profile = $('#profile');
  profile.replaceChildren();
  for (const [term, value] of [
    ['Email', data.email],
    ['Name', data.displayName ?? '—'],
    ['Roles', data.roles.join(', ')],
  ]) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.field = term.toLowerCase();
    profile.append(dt, dd);
  }
  document.body.dataset.profileLoads = String(Number(document.body.dataset.profileLoads ?? 0) + 1);
}

async function loadSessions(): Promise<void> {
  const { data, error } = await client.api.GET('/auth/sessions');
  if (!data) throw new SentinelError(error);
  const list = $('#sessions');
  list.replaceChildren(
    ...data.map((session) => {
      const item = document.createElement('li');
      item.dataset.sessionId = session.id;
      item.textContent = `${session.userAgent ?? 'unknown device'} · since ${new Date(
        session.createdAt,
      ).toLocaleString()}${session.current ? ' (this session)' : ''} `;
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', () =>
        act(async () => {
          const { error } = await client.api.DELETE('/auth/sessions/{id}', {
            params: { path: { id: session.id } },
          });
          if (error) throw new SentinelError(error);
          // Revoking this very session ends it here too (and, through the client, in other tabs).
          if (!session.current) return loadSessions();
          await client.signOut();
          showSignIn('This session was revoked.');
        }),
      );
      item.append(revoke);
      return item;
    }),
  );
}

async function enter(): Promise<void> {
  await loadProfile();
  await loadSessions();
  show('signed-in');
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(signInForm);
  void act(async () => {
    const result = await client.signIn(String(form.get('email')), String(form.get('password')));
    if (result.mfaRequired) {
      showSignIn('This account asks for a second factor, which this example does not handle.');
      return;
    }
    signInForm.reset();
    await enter();
  });
});
$('#reload-profile').addEventListener('click', () => act(loadProfile));
$('#reload-sessions').addEventListener('click', () => act(loadSessions));
$('#sign-out').addEventListener('click', () =>
  act(async () => {
    await client.signOut();
    showSignIn('Signed out.');
  }),
);

// A reload or a new tab picks up the session from the HttpOnly cookie, if there is one.
void act(async () => ((await client.resume()) ? enter() : showSignIn()));
