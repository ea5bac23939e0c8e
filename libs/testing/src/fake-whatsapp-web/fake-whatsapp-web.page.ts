/* istanbul ignore file -- this code runs in Chromium: it is serialised with Function#toString. */
import type {
  FakeHelloRequest,
  FakeHelloResponse,
  FakeIncomingMessageSpec,
  FakeLinkedAccount,
  FakeMessageAck,
  FakePageCommand,
  FakePageCommandEnvelope,
  FakePageCommandResult,
  FakePageConfig,
  FakeQrMaterial,
  FakeSentReport,
  FakeSentResponse,
  FakeChatState,
} from './fake-whatsapp-web.protocol';

/** The browser globals the page runtime uses; the runtime is handed `window`. */
export interface FakePageWindow {
  require?: (name: string) => unknown;
  Debug?: { VERSION: string };
  __fakeWhatsApp?: unknown;
  localStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  location: { assign(url: string): void };
  fetch(
    url: string,
    init?: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{
    ok: boolean;
    status: number;
    json(): Promise<unknown>;
    arrayBuffer(): Promise<ArrayBuffer>;
  }>;
  EventSource: new (url: string) => {
    onmessage: ((event: { data: string }) => void) | null;
    onerror: (() => void) | null;
  };
  XMLHttpRequest: new () => {
    open(method: string, url: string, async: boolean): void;
    send(): void;
  };
  addEventListener(
    type: 'error' | 'unhandledrejection',
    listener: (event: { message?: string; reason?: unknown; error?: unknown }) => void,
  ): void;
  crypto: { getRandomValues(array: Uint8Array): Uint8Array };
  btoa(data: string): string;
  atob(data: string): string;
  setTimeout(handler: () => void, ms: number): unknown;
}

/**
 * The fake WhatsApp Web runtime: `window.require('WAWeb…')` modules, `window.Debug.VERSION` and
 * the Backbone-like models and collections whatsapp-web.js reads and listens to, wired to the
 * FakeWhatsAppWeb server (hello and reports over fetch, commands over one EventSource).
 *
 * It must stay self-contained: it is serialised with `toString()` and run in the page, so it may
 * use nothing from this module's scope but types.
 */
export function runFakeWhatsAppPage(win: FakePageWindow, config: FakePageConfig): void {
  type Listener = { fn: (...args: unknown[]) => unknown; ctx: unknown };
  type Attrs = Record<string, unknown>;

  const STORAGE_KEY = 'fakeWhatsApp.account';
  const DEVICE_KEY = 'fakeWhatsApp.device';
  let sid: string | null = null;

  async function post<T>(path: string, body: object): Promise<T> {
    const response = await win.fetch(config.serverUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, ...body }),
    });
    return (await response.json()) as T;
  }

  function describe(error: unknown): string {
    if (error instanceof Error) return error.stack ?? error.message;
    return String(error);
  }

  function reportError(where: string, error: unknown): void {
    void post('/api/page-error', { message: `${where}: ${describe(error)}` }).catch(
      () => undefined,
    );
  }

  win.addEventListener('error', (event) => reportError('error', event.error ?? event.message));
  win.addEventListener('unhandledrejection', (event) =>
    reportError('unhandledrejection', event.reason),
  );

  // ------------------------------------------------------------------ Backbone-like events
  class Emitter {
    _events = new Map<string, Listener[]>();
    _onListen: ((name: string) => void) | null = null;

    on(names: string, fn: (...args: unknown[]) => unknown, ctx?: unknown): this {
      for (const name of names.split(/\s+/).filter(Boolean)) {
        const list = this._events.get(name) ?? [];
        list.push({ fn, ctx });
        this._events.set(name, list);
        this._onListen?.(name);
      }
      return this;
    }

    once(names: string, fn: (...args: unknown[]) => unknown): this {
      const wrapper = (...args: unknown[]): unknown => {
        this.off(names, wrapper);
        return fn(...args);
      };
      return this.on(names, wrapper);
    }

    off(names?: string, fn?: (...args: unknown[]) => unknown): this {
      if (names === undefined) {
        this._events.clear();
        return this;
      }
      for (const name of names.split(/\s+/).filter(Boolean)) {
        const list = this._events.get(name);
        if (list) this._events.set(name, fn ? list.filter((l) => l.fn !== fn) : []);
      }
      return this;
    }

    listenerCount(name: string): number {
      return this._events.get(name)?.length ?? 0;
    }

    trigger(name: string, ...args: unknown[]): this {
      for (const { fn, ctx } of [...(this._events.get(name) ?? [])]) {
        try {
          const result = fn.apply(ctx ?? this, args);
          if (result instanceof Promise)
            result.catch((e: unknown) => reportError(`listener ${name}`, e));
        } catch (error) {
          reportError(`listener ${name}`, error);
        }
      }
      return this;
    }
  }

  /** Observed attributes fire `change:<attr>` (model, value, previous) then `change`, on the model and its collection. */
  class Model extends Emitter {
    [key: string]: unknown;
    _attributes: Attrs = {};
    _collection: Collection<Model> | null = null;

    constructor(attrs: Attrs, observed: string[]) {
      super();
      for (const key of observed) {
        Object.defineProperty(this, key, {
          get: () => this._attributes[key],
          set: (value: unknown) => this.set(key, value),
          enumerable: true,
          configurable: true,
        });
      }
      for (const [key, value] of Object.entries(attrs)) {
        if (observed.includes(key)) this._attributes[key] = value;
        else this[key] = value;
      }
    }

    set(key: string, value: unknown): void {
      const previous = this._attributes[key];
      if (previous === value) return;
      this._attributes[key] = value;
      this.trigger(`change:${key}`, this, value, previous);
      this.trigger('change', this);
    }

    override trigger(name: string, ...args: unknown[]): this {
      super.trigger(name, ...args);
      this._collection?.trigger(name, ...args);
      return this;
    }
  }

  class Collection<M extends Model> extends Emitter {
    _models = new Map<string, M>();

    constructor(
      readonly modelClass: new (attrs: Attrs) => M,
      readonly _createMissing: boolean,
    ) {
      super();
    }

    _key(id: unknown): string {
      if (typeof id === 'string') return id;
      if (id && typeof id === 'object' && '_serialized' in id) return String(id._serialized);
      return String(id);
    }

    get(id: unknown): M | undefined {
      return this._models.get(this._key(id));
    }

    add(model: M, options: { silent?: boolean } = {}): M {
      const key = this._key(model.id);
      const existing = this._models.get(key);
      if (existing) return existing;
      model._collection = this;
      this._models.set(key, model);
      if (!options.silent) this.trigger('add', model, this, options);
      return model;
    }

    remove(id: unknown): M | undefined {
      const model = this.get(id);
      if (!model) return undefined;
      this._models.delete(this._key(model.id));
      this.trigger('remove', model, this);
      model._collection = null;
      return model;
    }

    getModelsArray(): M[] {
      return [...this._models.values()];
    }

    get length(): number {
      return this._models.size;
    }

    find(id: unknown): Promise<M | undefined> {
      const found = this.get(id);
      if (found || !this._createMissing) return Promise.resolve(found);
      return Promise.resolve(
        this.add(new this.modelClass({ id: new Wid(this._key(id)) }), { silent: true }),
      );
    }

    getMessagesById(ids: string[]): Promise<{ messages: M[] }> {
      const messages = ids.map((id) => this.get(id)).filter((m): m is M => m !== undefined);
      return Promise.resolve({ messages });
    }

    async update(): Promise<void> {}
  }

  // -------------------------------------------------------------------------------- ids
  class Wid {
    readonly user: string;
    readonly server: string;
    readonly _serialized: string;

    constructor(value: unknown) {
      const text =
        value && typeof value === 'object' && '_serialized' in value
          ? String(value._serialized)
          : String(value);
      const [user = '', server = 'c.us'] = text.split('@');
      this.user = user;
      this.server = server;
      this._serialized = `${user}@${server}`;
    }

    isLid(): boolean {
      return this.server === 'lid';
    }
    isGroup(): boolean {
      return this.server === 'g.us';
    }
    isUser(): boolean {
      return this.server === 'c.us' || this.server === 'lid';
    }
    isStatus(): boolean {
      return this.user === 'status' && this.server === 'broadcast';
    }
    isBroadcast(): boolean {
      return this.server === 'broadcast';
    }
    isNewsletter(): boolean {
      return this.server === 'newsletter';
    }
    toString(): string {
      return this._serialized;
    }
    toJid(): string {
      return this._serialized.replace('@c.us', '@s.whatsapp.net');
    }
    equals(other: unknown): boolean {
      return new Wid(other)._serialized === this._serialized;
    }
  }

  const randomBytes = (n: number): Uint8Array => win.crypto.getRandomValues(new Uint8Array(n));
  const toHex = (bytes: Uint8Array): string =>
    [...bytes]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  const toBase64 = (bytes: Uint8Array): string => win.btoa(String.fromCharCode(...bytes));
  const fromBase64 = (text: string): Uint8Array =>
    Uint8Array.from(win.atob(text), (c) => c.charCodeAt(0));

  class MsgKey {
    readonly fromMe: boolean;
    readonly remote: Wid;
    readonly id: string;
    readonly participant: Wid | undefined;
    readonly _serialized: string;

    constructor(key: {
      from?: unknown;
      to?: unknown;
      id: string;
      participant?: unknown;
      selfDir?: string;
      fromMe?: boolean;
      remote?: unknown;
    }) {
      this.fromMe = key.fromMe ?? key.selfDir === 'out';
      this.remote = new Wid(key.remote ?? (this.fromMe ? key.to : key.from));
      this.id = key.id;
      this.participant = key.participant ? new Wid(key.participant) : undefined;
      this._serialized =
        `${this.fromMe}_${this.remote._serialized}_${this.id}` +
        (this.participant ? `_${this.participant._serialized}` : '');
    }

    toString(): string {
      return this._serialized;
    }

    static newId(): Promise<string> {
      return Promise.resolve(`3EB0${toHex(randomBytes(8))}`);
    }

    static newId_DEPRECATED(): string {
      return `3EB0${toHex(randomBytes(8))}`;
    }
  }

  // ------------------------------------------------------------------------------ models
  class MsgModel extends Model {
    declare id: MsgKey;

    constructor(attrs: Attrs) {
      super(attrs, ['ack', 'type', 'body', 'caption', 'isUnsentMedia', 'star']);
    }

    serialize(): Attrs {
      const out: Attrs = {};
      for (const key of Object.keys(this)) {
        if (key.startsWith('_')) continue;
        const value = this[key];
        if (typeof value !== 'function') out[key] = value;
      }
      out.id = {
        fromMe: this.id.fromMe,
        remote: this.id.remote,
        id: this.id.id,
        participant: this.id.participant,
        _serialized: this.id._serialized,
      };
      return JSON.parse(JSON.stringify(out)) as Attrs;
    }

    unsafe(): this {
      return this;
    }

    canReply(): boolean {
      return true;
    }

    msgContextInfo(): Attrs {
      return {
        quotedMsg: this.serialize(),
        quotedStanzaID: this.id.id,
        quotedRemoteJid: this.id.remote,
      };
    }

    async downloadMedia(): Promise<void> {}

    get isEphemeral(): boolean {
      return false;
    }

    get isStatusV3(): boolean {
      return false;
    }

    get mediaObject(): undefined {
      return undefined;
    }
  }

  class GroupMetadataModel extends Model {
    constructor(attrs: Attrs) {
      super(attrs, []);
    }

    serialize(): Attrs {
      return JSON.parse(
        JSON.stringify({
          id: this.id,
          subject: this.subject,
          owner: this.owner,
          creation: this.creation,
          desc: this.desc,
          announce: false,
          restrict: false,
          isLidAddressingMode: false,
          participants: this.participants,
        }),
      ) as Attrs;
    }
  }

  class ChatModel extends Model {
    declare id: Wid;
    declare name: string | undefined;
    declare t: number;
    declare groupMetadata: GroupMetadataModel | undefined;
    readonly msgs = new Collection(MsgModel, false);

    constructor(attrs: Attrs) {
      super(
        {
          t: 0,
          unreadCount: 0,
          archive: false,
          pin: 0,
          isLocked: false,
          mute: { expiration: 0 },
          ...attrs,
        },
        ['unreadCount', 'archive'],
      );
      this.id = new Wid(this.id);
    }

    get formattedTitle(): string {
      return this.name ?? `+${this.id.user}`;
    }

    serialize(): Attrs {
      return {
        id: { server: this.id.server, user: this.id.user, _serialized: this.id._serialized },
        name: this.name,
        t: this.t,
        unreadCount: this.unreadCount,
        archive: this.archive,
        pin: this.pin,
        isLocked: this.isLocked,
        isReadOnly: false,
        muteExpiration: (this.mute as { expiration: number }).expiration,
        msgs: { length: this.msgs.length },
      };
    }
  }

  class ContactModel extends Model {
    declare id: Wid;

    constructor(attrs: Attrs) {
      super(attrs, []);
      this.id = new Wid(this.id);
      const phone = lidToPhone.get(this.id._serialized);
      if (phone && !this.phoneNumber) this.phoneNumber = phone;
    }

    serialize(): Attrs {
      return {
        id: { server: this.id.server, user: this.id.user, _serialized: this.id._serialized },
        name: this.name,
        pushname: this.pushname,
        shortName: this.shortName,
        type: 'in',
        labels: [],
        isBusiness: false,
        isEnterprise: false,
      };
    }
  }

  const lidToPhone = new Map<string, Wid>();
  const phoneToLid = new Map<string, Wid>();

  const Msg = new Collection(MsgModel, false);
  // Like WhatsApp Web holding messages until it has synced, message commands wait for the
  // library to listen (it attaches its listeners just before `ready`): none is lost unseen.
  let libraryListening: () => void = () => undefined;
  const messagesHeard = new Promise<void>((resolve) => (libraryListening = resolve));
  Msg._onListen = (name) => {
    if (name === 'add') libraryListening();
  };
  const Chat = new Collection(ChatModel, true);
  const Contact = new Collection(ContactModel, true);
  const Blocklist = new Collection(ContactModel, false);
  const BusinessProfile = new Collection(ContactModel, true);
  const GroupMetadata = new Collection(GroupMetadataModel, false);

  // -------------------------------------------------------------------------- singletons
  const Socket = new Model({}, ['state', 'hasSynced']);
  Socket._attributes = { state: 'OPENING', hasSynced: false };
  let syncWanted = false;
  // The library attaches its change:hasSynced listener at the end of inject(); `ready` follows a
  // hasSynced flip only when that listener exists, so a linked page flips it then.
  Socket._onListen = (name) => {
    if (name === 'change:hasSynced') win.setTimeout(maybeSync, 0);
  };
  function maybeSync(): void {
    if (
      syncWanted &&
      Socket.state === 'CONNECTED' &&
      !Socket.hasSynced &&
      Socket.listenerCount('change:hasSynced') > 0
    ) {
      Socket.hasSynced = true;
    }
  }
  Socket.logout = async (): Promise<void> => {
    win.localStorage.removeItem(STORAGE_KEY);
    await post('/api/logout', {});
  };
  Socket.takeover = async (): Promise<void> => {
    await post('/api/takeover', {});
    Socket.state = 'CONNECTED';
  };

  const Conn = new Model({ platform: 'android', pushname: null, plugged: true }, [
    'ref',
    'battery',
  ]);
  Conn._attributes = { ref: null, battery: 100 };
  Conn.serialize = (): Attrs => ({
    pushname: Conn.pushname,
    platform: Conn.platform,
    ref: Conn.ref,
  });

  const Cmd = Object.assign(new Emitter(), {
    archiveChat: (chat: ChatModel, archive: boolean): Promise<void> => {
      chat.archive = archive;
      return Promise.resolve();
    },
    markChatUnread: (chat: ChatModel, unread: boolean): Promise<void> => {
      chat.unreadCount = unread ? -1 : 0;
      return Promise.resolve();
    },
  });
  // The library's inject() ends by listening to this: from the next task on, closing the browser
  // no longer cuts a library call short.
  Cmd._onListen = (name) => {
    if (name !== 'logout_from_bridge') return;
    win.setTimeout(() => {
      post('/api/attached', {}).catch((e: unknown) => reportError('attached', e));
    }, 0);
  };
  const Stream = { markAvailable(): void {}, markUnavailable(): void {} };
  // The library hooks `set` on the first Map it finds among the collection's own keys.
  const CallCollection = { _calls: new Map<string, unknown>(), on(): void {}, off(): void {} };
  const reactionTableMode = {
    bulkUpsert: (rows: unknown[]): Promise<unknown[]> => Promise.resolve(rows),
  };
  const pollVoteTableMode = {
    bulkUpsert: (rows: unknown[]): Promise<unknown[]> => Promise.resolve(rows),
  };

  let me: Wid | null = null;
  let meLid: Wid | null = null;
  let qrMaterial: FakeQrMaterial | null = null;

  function ensureChat(id: unknown, attrs: Attrs = {}): ChatModel {
    const wid = new Wid(id);
    return Chat.get(wid) ?? Chat.add(new ChatModel({ id: wid, ...attrs }), { silent: true });
  }

  function ensureContact(id: unknown, pushname: string | null): ContactModel {
    const wid = new Wid(id);
    return (
      Contact.get(wid) ??
      Contact.add(new ContactModel({ id: wid, pushname: pushname ?? undefined }), { silent: true })
    );
  }

  // ----------------------------------------------------------------------------- modules
  const modules: Record<string, unknown> = {
    WAWebSocketModel: { Socket },
    WAWebConnModel: { Conn },
    WAWebCmd: { Cmd },
    WAWebOfflineHandler: { OfflineMessageHandler: { getOfflineDeliveryProgress: () => 100 } },
    WAWebAltDeviceLinkingApi: {
      setPairingType(): void {},
      initializeAltDeviceLinking: async (): Promise<void> => {},
      startAltLinkingFlow: (): Promise<string> => Promise.resolve('FAKE1234'),
      initializeQRLinking: async (): Promise<void> => {},
    },
    WABase64: {
      encodeB64: (bytes: Uint8Array) => toBase64(bytes),
      decodeB64: (text: string) => fromBase64(text),
    },
    WAWebCompanionRegClientUtils: { DEVICE_PLATFORM: 'Chrome' },
    WAWebAdvSignatureApi: {},
    WAWebUserPrefsInfoStore: {
      waNoiseInfo: {
        get: () =>
          Promise.resolve({
            staticKeyPair: { pubKey: fromBase64(qrMaterial?.noisePublicKey ?? '') },
          }),
      },
    },
    WAWebSignalStoreApi: {
      waSignalStore: {
        getRegistrationInfo: () =>
          Promise.resolve({
            identityKeyPair: { pubKey: fromBase64(qrMaterial?.identityPublicKey ?? '') },
          }),
      },
    },
    WAWebUserPrefsMultiDevice: { getADVSecretKey: () => qrMaterial?.advSecretKey ?? '' },
    WAWebMiscBrowserUtils: { info: () => ({ os: 'Linux', name: 'Chrome', version: '0' }) },
    WAWebUserPrefsMeUser: {
      getMaybeMePnUser: () => me,
      getMaybeMeLidUser: () => meLid,
      getMePnUserOrThrow: () => {
        if (!me) throw new Error('not logged in');
        return me;
      },
    },
    WAWebLaunchSocketUtils: { refreshQR: () => post('/api/refresh-qr', {}) },
    WAWebCollections: { Msg, Chat, Contact, Blocklist, BusinessProfile, GroupMetadata },
    WAWebSyncGatingUtils: {},
    WAWebBackendJobsCommon: { mediaTypeFromProtobuf: () => null },
    WAWebE2EProtoUtils: { typeAttributeFromProtobuf: () => 'text' },
    WAWebCallCollection: CallCollection,
    WAWebAddonReactionTableMode: { reactionTableMode },
    WAWebAddonPollVoteTableMode: { pollVoteTableMode },
    WAWebWidFactory: {
      createWid: (value: unknown) => new Wid(value),
      createWidFromWidLike: (value: unknown) => new Wid(value),
      createUserWid: (user: string, server = 'c.us') => new Wid(`${user}@${server}`),
      asUserWidOrThrow: (value: unknown) => {
        const wid = new Wid(value);
        if (!wid.isUser()) throw new Error(`not a user wid: ${wid._serialized}`);
        return wid;
      },
      isWid: (value: unknown) => value instanceof Wid,
    },
    WAWebMsgKey: MsgKey,
    WAWebStreamModel: { Stream },
    WAWebUpdateUnreadChatAction: {
      sendSeen: ({ chat }: { chat: ChatModel }): Promise<void> => {
        chat.unreadCount = 0;
        return Promise.resolve();
      },
    },
    WAWebChatGetters: {
      getIsNewsletter: (chat: ChatModel) => chat.id.isNewsletter(),
      getIsBroadcast: (chat: ChatModel) => chat.id.isBroadcast(),
      getIsGroup: (chat: ChatModel) => chat.id.isGroup(),
    },
    WALinkify: {
      findLink: (text: unknown) => {
        const match = typeof text === 'string' ? /https?:\/\/\S+/.exec(text) : null;
        return match ? { href: match[0], url: match[0] } : null;
      },
      findLinks: (text: unknown) =>
        (typeof text === 'string' ? (text.match(/https?:\/\/\S+/g) ?? []) : []).map((href) => ({
          href,
          url: href,
        })),
    },
    WAWebLinkPreviewChatAction: { getLinkPreview: () => Promise.resolve(null) },
    WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
    WAWebFindChatAction: {
      findOrCreateLatestChat: (wid: unknown) => Promise.resolve({ chat: ensureChat(wid) }),
    },
    WAWebSendMsgChatAction: {
      addAndSendMsgToChat: (chat: ChatModel, message: Attrs) => addAndSendMsgToChat(chat, message),
    },
    WAWebContactGetters: {
      getIsMe: (c: ContactModel) => c.id.equals(me) || c.id.equals(meLid),
      getIsUser: (c: ContactModel) => c.id.isUser(),
      getIsGroup: (c: ContactModel) => c.id.isGroup(),
      getIsWAContact: () => true,
      getUserid: (c: ContactModel) => c.id.user,
      getVerifiedName: () => undefined,
      getVerifiedLevel: () => undefined,
      getStatusMute: () => false,
      getName: (c: ContactModel) => c.name,
      getShortName: (c: ContactModel) => c.shortName,
      getPushname: (c: ContactModel) => c.pushname,
      getIsEnterprise: () => false,
    },
    WAWebFrontendContactGetters: { getIsMyContact: () => true },
    WAWebApiContact: {
      getAlternateUserWid: (wid: Wid) =>
        (wid.isLid() ? lidToPhone.get(wid._serialized) : phoneToLid.get(wid._serialized)) ?? null,
      getCurrentLid: (wid: Wid) => phoneToLid.get(new Wid(wid)._serialized) ?? null,
      getPhoneNumber: (wid: Wid) => lidToPhone.get(new Wid(wid)._serialized) ?? null,
    },
    WAWebQueryExistsJob: {
      queryWidExists: (wid: unknown) => Promise.resolve({ wid: new Wid(wid) }),
    },
    WAWebLidMigrationUtils: {
      toPn: (wid: unknown) => lidToPhone.get(new Wid(wid)._serialized) ?? wid,
    },
    WAWebMsgReply: { canReplyMsg: () => true },
    WAWebChatStateBridge: {
      sendChatStateComposing: (wid: unknown) => reportChatState(wid, 'typing'),
      sendChatStateRecording: (wid: unknown) => reportChatState(wid, 'recording'),
      sendChatStatePaused: (wid: unknown) => reportChatState(wid, 'paused'),
    },
    WAWebContactStatusBridge: { setMyStatus: () => Promise.resolve() },
    // Every message the page has is already loaded.
    WAWebChatLoadMessages: { loadEarlierMsgs: () => Promise.resolve([]) },
    // Nobody has a profile picture: the server's "not found", which the library maps to none.
    WAWebContactProfilePicThumbBridge: {
      requestProfilePicFromServer: () =>
        Promise.reject(Object.assign(new Error('404'), { name: 'ServerStatusCodeError' })),
    },
    WAWebPresenceChatAction: {
      sendPresenceAvailable: async () => {},
      sendPresenceUnavailable: async () => {},
    },
    WAWebDownloadManager: {
      downloadManager: {
        downloadAndMaybeDecrypt: async ({ directPath }: { directPath: string }) => {
          const response = await win.fetch(config.serverUrl + directPath);
          if (!response.ok)
            throw Object.assign(new Error('media not found'), { status: response.status });
          return response.arrayBuffer();
        },
      },
    },
  };

  // Lenient mode: an unknown module is an inert proxy (any member is another proxy, calls return
  // undefined), so a library version that grabs many modules up front still loads.
  const stubs = new Map<string, unknown>();
  function stub(path: string): unknown {
    const cached = stubs.get(path);
    if (cached) return cached;
    const proxy: unknown = new Proxy(() => undefined, {
      get: (_target, key) =>
        typeof key === 'symbol' || key === 'then' || key === 'toJSON'
          ? undefined
          : stub(`${path}.${key}`),
      apply: () => {
        reportUnknown(`${path}()`);
        return undefined;
      },
      construct: () => ({}),
      ownKeys: () => [],
      getOwnPropertyDescriptor: () => undefined,
    });
    stubs.set(path, proxy);
    return proxy;
  }

  const reported = new Set<string>();
  function reportUnknown(name: string): void {
    if (reported.has(name)) return;
    reported.add(name);
    void post('/api/unknown-module', { name }).catch(() => undefined);
  }

  win.require = (name: string): unknown => {
    if (name in modules) return modules[name];
    reportUnknown(name);
    return config.strict ? undefined : stub(name);
  };

  // -------------------------------------------------------------------------------- send
  /**
   * Each sent message's server answer, by id. A phone's receipt (ack 2+) is never applied before
   * it: on a slow machine the test's ack command can otherwise overtake the server's ack 1.
   */
  const serverAnswered = new Map<string, Promise<unknown>>();

  function addAndSendMsgToChat(
    chat: ChatModel,
    message: Attrs,
  ): [Promise<MsgModel>, Promise<Attrs>] {
    const msg = new MsgModel({ ...message });
    chat.msgs.add(msg, { silent: true });
    chat.t = Number(msg.t);
    Msg.add(msg);
    const quoted = msg.quotedMsg as { id?: { _serialized?: string } } | undefined;
    const report: FakeSentReport = {
      id: msg.id._serialized,
      to: new Wid(msg.to)._serialized,
      body: typeof msg.body === 'string' ? msg.body : '',
      type: String(msg.type),
      quotedMessageId: quoted?.id?._serialized ?? null,
    };
    const result = post<FakeSentResponse>('/api/sent', report).then((response) => {
      if (response.ack !== null) setAck(msg.id._serialized, response.ack);
      return { messageSendResult: 'OK' };
    });
    serverAnswered.set(
      msg.id._serialized,
      result.catch(() => undefined),
    );
    return [Promise.resolve(msg), result];
  }

  async function reportChatState(wid: unknown, state: FakeChatState['state']): Promise<void> {
    await post('/api/chat-state', {
      chat: new Wid(wid)._serialized,
      state,
    } satisfies FakeChatState);
  }

  function findMessage(id: string): MsgModel {
    const msg = Msg.get(id);
    if (!msg) throw new Error(`no message ${id} on this page`);
    return msg;
  }

  function setAck(id: string, ack: FakeMessageAck): void {
    const msg = findMessage(id);
    const current = typeof msg.ack === 'number' ? msg.ack : 0;
    if (ack <= current)
      throw new Error(`ack ${ack} does not move message ${id} forward from ${current}`);
    msg.ack = ack;
  }

  // ---------------------------------------------------------------------------- incoming
  function mediaType(mimetype: string): string {
    const kind = mimetype.split('/')[0];
    return kind === 'image' || kind === 'video' || kind === 'audio' ? kind : 'document';
  }

  function receive(spec: FakeIncomingMessageSpec): string {
    if (!me) throw new Error('the page is not linked');
    const chatWid = new Wid(spec.chat);
    const author = spec.author ? new Wid(spec.author) : null;
    const sender = author ?? chatWid;
    if (spec.senderPhone && sender.isLid()) {
      const phone = new Wid(spec.senderPhone);
      lidToPhone.set(sender._serialized, phone);
      phoneToLid.set(phone._serialized, sender);
    }
    const chat = ensureChat(
      chatWid,
      chatWid.isGroup() ? { name: spec.groupSubject ?? undefined } : {},
    );
    if (chatWid.isGroup() && !chat.groupMetadata) {
      const participants = [me, author]
        .filter((w): w is Wid => w !== null)
        .map((w) => ({ id: w, isAdmin: false, isSuperAdmin: false }));
      chat.groupMetadata = GroupMetadata.add(
        new GroupMetadataModel({
          id: chatWid,
          subject: spec.groupSubject ?? chatWid.user,
          owner: author ?? me,
          creation: spec.timestamp,
          desc: '',
          participants,
        }),
        { silent: true },
      );
    }
    type Participant = { id: Wid; isAdmin: boolean; isSuperAdmin: boolean };
    const participants = chat.groupMetadata?.participants as Participant[] | undefined;
    if (participants && author && !participants.some((p) => p.id.equals(author))) {
      participants.push({ id: author, isAdmin: false, isSuperAdmin: false });
    }
    const contact = ensureContact(sender, spec.fromMe ? null : spec.notifyName);
    if (spec.notifyName && !spec.fromMe) contact.pushname = spec.notifyName;
    if (!spec.fromMe && !chatWid.isGroup() && spec.notifyName && !chat.name)
      chat.name = spec.notifyName;

    const key = new MsgKey({
      fromMe: spec.fromMe,
      remote: chatWid,
      id: spec.id,
      participant: author ?? undefined,
    });
    const self = chatWid.isLid() ? (meLid ?? me) : me;
    const attrs: Attrs = {
      id: key,
      type: spec.media ? mediaType(spec.media.mimetype) : 'chat',
      body: spec.media ? '' : spec.body,
      t: spec.timestamp,
      from: spec.fromMe ? self : chatWid,
      to: spec.fromMe ? chatWid : self,
      author: author ?? undefined,
      self: spec.fromMe ? 'out' : 'in',
      notifyName: spec.notifyName ?? '',
      ack: spec.fromMe ? 1 : 0,
      isNewMsg: true,
      local: false,
    };
    if (spec.media) {
      Object.assign(attrs, {
        caption: spec.body,
        mimetype: spec.media.mimetype,
        filename: spec.media.filename ?? undefined,
        size: spec.media.size,
        directPath: spec.media.directPath,
        mediaKey: spec.media.mediaKey,
        mediaKeyTimestamp: spec.timestamp,
        filehash: spec.media.mediaKey,
        encFilehash: spec.media.mediaKey,
        mediaData: { mediaStage: 'RESOLVED' },
      });
    }
    const msg = new MsgModel(attrs);
    chat.msgs.add(msg, { silent: true });
    chat.t = spec.timestamp;
    if (!spec.fromMe) {
      chat.lastReceivedKey = key;
      chat.unreadCount = Number(chat.unreadCount ?? 0) + 1;
    }
    Msg.add(msg);
    return key._serialized;
  }

  function edit(id: string, body: string): void {
    const msg = findMessage(id);
    msg.latestEditSenderTimestampMs = Date.now();
    if (msg.mediaData) msg.caption = body;
    else msg.body = body;
  }

  function react(id: string, from: string, reaction: string): void {
    const parent = findMessage(id);
    const sender = new Wid(from);
    const key = new MsgKey({
      fromMe: false,
      remote: parent.id.remote,
      id: `3A${toHex(randomBytes(9))}`,
      participant: parent.id.remote.isGroup() ? sender : undefined,
    });
    // Called through the object: the library wraps this function to emit `message_reaction`.
    void reactionTableMode.bulkUpsert([
      {
        id: key,
        reactionParentKey: parent.id,
        reactionTimestamp: Date.now(),
        from: sender,
        reactionText: reaction,
        read: false,
        orphan: 0,
        orphanReason: null,
      },
    ]);
  }

  function revoke(id: string): void {
    const msg = findMessage(id);
    // The library pairs a revoke with the last `change` it saw for that message to hand tests
    // the message as it was before; WhatsApp Web fires one as it starts the revoke.
    msg.trigger('change', msg);
    msg.type = 'revoked';
    msg.body = '';
  }

  function link(account: FakeLinkedAccount): void {
    me = new Wid(account.wid);
    meLid = account.lid ? new Wid(account.lid) : null;
    Conn.pushname = account.pushname;
    Conn.platform = account.platform;
    if (meLid) {
      lidToPhone.set(meLid._serialized, me);
      phoneToLid.set(me._serialized, meLid);
    }
    win.localStorage.setItem(STORAGE_KEY, JSON.stringify({ wid: account.wid }));
  }

  function connect(): void {
    Socket.state = 'CONNECTED';
    syncWanted = true;
    maybeSync();
  }

  // ----------------------------------------------------------------------------- commands
  function run(command: FakePageCommand): string | undefined {
    switch (command.type) {
      case 'rotate-ref':
        // A refreshed QR is live again; the library emits it from the `change:ref`.
        if (Socket.state === 'UNPAIRED_IDLE') Socket.state = 'UNPAIRED';
        Conn.ref = command.ref;
        return undefined;
      case 'paired':
        link(command.account);
        Socket.state = 'PAIRING';
        win.setTimeout(connect, 0);
        return undefined;
      case 'receive':
        return receive(command.message);
      case 'ack':
        setAck(command.id, command.ack);
        return undefined;
      case 'edit':
        edit(command.id, command.body);
        return undefined;
      case 'revoke':
        revoke(command.id);
        return undefined;
      case 'react':
        react(command.id, command.from, command.reaction);
        return undefined;
      case 'state':
        Socket.state = command.state;
        return undefined;
      case 'unlink':
        win.localStorage.removeItem(STORAGE_KEY);
        Cmd.trigger('logout');
        // Then WhatsApp Web reloads itself. The library tells that reload from any other by a
        // flag its logout binding sets; the binding call went out synchronously above, on the
        // same DevTools connection the navigation is reported on, so it is handled first.
        win.setTimeout(() => win.location.assign('https://web.whatsapp.com/'), 0);
        return undefined;
      case 'hang':
        // A synchronous request the server holds open blocks the renderer's main thread: the
        // browser stays connected but no evaluate (getState, sendMessage…) ever answers.
        win.setTimeout(() => {
          const request = new win.XMLHttpRequest();
          request.open('GET', command.url, false);
          try {
            request.send();
          } catch {
            // the server went away: nothing left to block on
          }
        }, 0);
        return undefined;
    }
  }

  async function onEnvelope(envelope: FakePageCommandEnvelope): Promise<void> {
    let result: FakePageCommandResult;
    try {
      const { type } = envelope.command;
      if (['receive', 'ack', 'edit', 'revoke', 'react'].includes(type)) {
        await messagesHeard;
      }
      if (envelope.command.type === 'ack') await serverAnswered.get(envelope.command.id);
      const value = run(envelope.command);
      result =
        value === undefined
          ? { seq: envelope.seq, ok: true }
          : { seq: envelope.seq, ok: true, value };
    } catch (error) {
      result = { seq: envelope.seq, ok: false, error: describe(error) };
    }
    await post('/api/result', result);
  }

  async function boot(): Promise<void> {
    const raw = win.localStorage.getItem(STORAGE_KEY);
    const stored = raw ? (JSON.parse(raw) as { wid: string }) : null;
    const device = win.localStorage.getItem(DEVICE_KEY) ?? toHex(randomBytes(16));
    win.localStorage.setItem(DEVICE_KEY, device);
    const hello = await post<FakeHelloResponse>('/api/hello', {
      device,
      stored,
    } satisfies FakeHelloRequest);
    sid = hello.sid;
    const events = new win.EventSource(
      `${config.serverUrl}/api/events?sid=${encodeURIComponent(hello.sid)}`,
    );
    events.onmessage = (event) => {
      onEnvelope(JSON.parse(event.data) as FakePageCommandEnvelope).catch((e: unknown) =>
        reportError('command', e),
      );
    };
    win.Debug = { VERSION: config.version };
    if (hello.restored) {
      link(hello.account);
      connect();
    } else {
      win.localStorage.removeItem(STORAGE_KEY);
      qrMaterial = hello.qr;
      Conn.ref = hello.qr.ref;
      Socket.state = 'UNPAIRED';
    }
  }

  win.__fakeWhatsApp = { modules, Socket, Conn, Msg, Chat, Contact };
  boot().catch((error: unknown) => reportError('boot', error));
}
