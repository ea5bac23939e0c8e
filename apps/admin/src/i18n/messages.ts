/**
 * Every user-visible string of the admin SPA, keyed the way vue-i18n keys them
 * (nested objects, dotted paths, `{name}` placeholders), so a later switch to vue-i18n
 * can take these objects as they are.
 */
export const en = {
  app: {
    name: 'Switchboard',
    documentTitle: '{page} · Switchboard',
  },
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    dismiss: 'Dismiss',
  },
  login: {
    title: 'Sign in',
    subtitle: 'Sign in to manage your WhatsApp numbers, inbox and campaigns.',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    retryAfter: 'You can try again in {seconds} seconds.',
  },
  layout: {
    mainNav: 'Main navigation',
    workspace: 'Workspace',
    switching: 'Switching workspace…',
    switchFailed: 'Could not switch workspace: {message}',
    logout: 'Sign out',
    loggingOut: 'Signing out…',
    logoutFailed: 'Could not sign out: {message}',
    platformAdmin: 'Platform admin',
    roleInWorkspace: 'Your role in this workspace',
    skipToContent: 'Skip to content',
  },
  realtime: {
    live: 'Live updates on',
    connecting: 'Connecting live updates…',
    lost: 'Live updates are interrupted. Reconnecting…',
  },
  nav: {
    overview: 'Overview',
    members: 'Members',
  },
  roles: {
    owner: 'Owner',
    manager: 'Manager',
    agent: 'Agent',
  },
  memberStatus: {
    active: 'Active',
    suspended: 'Suspended',
  },
  noWorkspace: {
    title: 'No workspace yet',
    body: 'Your account does not belong to any workspace. Ask a workspace owner to invite you, then sign in again.',
  },
  overview: {
    title: 'Overview',
    workspace: 'Workspace',
    identifier: 'Identifier',
    timezone: 'Time zone',
    health: 'System health',
    healthOverall: 'Overall status',
    healthOk: 'All systems operational',
    healthDegraded: 'Degraded',
    versionUptime: 'Version {version} · up for {duration}',
    latency: '{ms} ms',
    checkName: 'Check',
    checkStatus: 'Status',
    checkDetail: 'Detail',
    noChecks: 'The server reported no health checks.',
  },
  health: {
    up: 'Up',
    down: 'Down',
  },
  duration: {
    seconds: '{n} s',
    minutes: '{n} min',
    hours: '{h} h {m} min',
    days: '{d} d {h} h',
  },
  members: {
    title: 'Members',
    count: '{n} member | {n} members',
    name: 'Name',
    email: 'Email',
    role: 'Role',
    status: 'Status',
    you: 'you',
    empty: 'This workspace has no members yet.',
  },
  notFound: {
    title: 'Page not found',
    body: 'There is nothing at this address.',
    back: 'Go to the overview',
  },
  errors: {
    network: 'Could not reach the Switchboard server. Check your connection and try again.',
    unavailable:
      'The Switchboard server is unavailable right now (HTTP {status}). Try again in a moment.',
    unexpected: 'The server gave an unexpected answer (HTTP {status}). Try again in a moment.',
    sessionExpired: 'Your session has expired. Please sign in again.',
    generic: 'Something went wrong. Try again in a moment.',
  },
};

/** The shape every locale must fill; a missing or extra key is a type error. */
export type Messages = typeof en;

export const messages = { en } satisfies Record<string, Messages>;
export type Locale = keyof typeof messages;
