import type { SessionView, UserLocale } from '@switchboard/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/http';
import { setLocale, t } from '@/i18n/use-i18n';
import { useSessionStore } from './use-session-store';

vi.mock('@/api/auth');

function aSessionView(locale: UserLocale | null): SessionView {
  return {
    user: { id: 5, email: 'ani@example.test', name: 'Ani', is_platform_admin: false, locale },
    workspaces: [{ id: 3, uuid: 'ws-3', name: 'Toko', role: 'agent' }],
    current_workspace_id: 3,
    expires_at: '2026-12-01T00:00:00.000Z',
  };
}

function sut() {
  setActivePinia(createPinia());
  return useSessionStore();
}

describe('useSessionStore: the user’s language', () => {
  beforeEach(() => {
    localStorage.clear();
    setLocale('en');
  });

  it('speaks the language the user chose on the server as soon as they sign in', async () => {
    vi.mocked(api.login).mockResolvedValue(aSessionView('id'));
    const store = sut();

    await store.login('ani@example.test', 'secret');

    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
    expect(document.documentElement.lang).toBe('id');
  });

  it('keeps the browser’s language for a user who never chose one', async () => {
    setLocale('id');
    vi.mocked(api.getMe).mockResolvedValue(aSessionView(null));
    const store = sut();

    await store.load();

    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
  });

  it('saves a switch on the user, and switches at once', async () => {
    vi.mocked(api.login).mockResolvedValue(aSessionView(null));
    vi.mocked(api.updateProfile).mockResolvedValue(aSessionView('id'));
    const store = sut();
    await store.login('ani@example.test', 'secret');

    await store.changeLocale('id');

    expect(api.updateProfile).toHaveBeenCalledWith({ locale: 'id' });
    expect(store.user?.locale).toBe('id');
    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
  });

  it('switches a signed-out visitor without asking the server', async () => {
    const store = sut();

    await store.changeLocale('id');

    expect(api.updateProfile).not.toHaveBeenCalled();
    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
  });

  it('stays in the chosen language but reports it when the server could not save it', async () => {
    vi.mocked(api.login).mockResolvedValue(aSessionView('en'));
    vi.mocked(api.updateProfile).mockRejectedValue(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    const store = sut();
    await store.login('ani@example.test', 'secret');

    await expect(store.changeLocale('id')).rejects.toThrow('offline');

    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
    expect(store.user?.locale).toBe('en');
  });
});
