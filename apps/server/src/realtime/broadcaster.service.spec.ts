import { Logger } from '@nestjs/common';
import {
  RealtimeEvent,
  userChannel,
  workspaceChannel,
  workspaceChatChannel,
  type MessageStatusUpdatedPayload,
} from '@switchboard/contracts';
import { BroadcasterService } from './broadcaster.service';
import type { BroadcastDriverPort, BroadcastMessage } from './drivers/broadcast-driver.port';
import { socketIdFrom } from './socket-id';

class RecordingDriver implements BroadcastDriverPort {
  readonly name = 'socketio' as const;
  readonly published: BroadcastMessage[] = [];
  failWith: Error | null = null;

  publish(message: BroadcastMessage): Promise<void> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.published.push(message);
    return Promise.resolve();
  }
}

const payload: MessageStatusUpdatedPayload = {
  workspace_id: 1,
  contact_id: 2,
  message_id: 3,
  provider_message_id: 'wamid.1',
  status: 'read',
  at: '2026-01-01T00:00:00.000Z',
};

describe('BroadcasterService', () => {
  let driver: RecordingDriver;
  let sut: BroadcasterService;

  beforeEach(() => {
    driver = new RecordingDriver();
    sut = new BroadcasterService(driver);
  });

  it('hands the driver one message for all channels, without duplicates, with the excluded socket', async () => {
    await sut.broadcast(
      [workspaceChannel(1), workspaceChatChannel(1, 2), workspaceChannel(1)],
      RealtimeEvent.MESSAGE_STATUS_UPDATED,
      payload,
      { exceptSocketId: 'abc' },
    );
    expect(driver.published).toEqual([
      {
        channels: ['private-workspace.1', 'private-workspace.1.chat.2'],
        event: 'message.status.updated',
        payload,
        exceptSocketId: 'abc',
      },
    ]);
  });

  it('throws for a channel the event is not declared for, and for public channels', async () => {
    const wrong = [userChannel(1), 'orders', 'private-unknown.1'] as unknown as Array<
      ReturnType<typeof workspaceChannel>
    >;
    for (const channel of wrong) {
      await expect(
        sut.broadcast(channel, RealtimeEvent.MESSAGE_STATUS_UPDATED, payload),
      ).rejects.toThrow('may not be broadcast');
    }
    expect(driver.published).toEqual([]);
  });

  it('logs a driver failure instead of failing the caller', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    driver.failWith = new Error('pusher is down');
    await expect(
      sut.broadcast(workspaceChannel(1), RealtimeEvent.MESSAGE_STATUS_UPDATED, payload),
    ).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('pusher is down'));
    warn.mockRestore();
  });
});

describe('socketIdFrom', () => {
  it('reads X-Socket-Id (socket.io and Pusher formats) and ignores anything else', () => {
    expect(socketIdFrom({ headers: { 'x-socket-id': 'Xk3_-9aBcDeFgHiJkLmN' } })).toBe(
      'Xk3_-9aBcDeFgHiJkLmN',
    );
    expect(socketIdFrom({ headers: { 'x-socket-id': '1234.5678' } })).toBe('1234.5678');
    expect(socketIdFrom({ headers: { 'x-socket-id': 'a b' } })).toBeNull();
    expect(socketIdFrom({ headers: {} })).toBeNull();
  });
});
