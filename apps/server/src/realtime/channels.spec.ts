// The channel contract as the gateway and the broadcaster rely on it (libs/contracts/src/realtime.ts).
import {
  campaignChannel,
  echoChannelName,
  parseChannel,
  userChannel,
  workspaceAgentsChannel,
  workspaceChannel,
  workspaceChatChannel,
} from '@switchboard/contracts';

describe('realtime channel names', () => {
  it('builds the wire names Echo subscribes to', () => {
    expect(workspaceChannel(5)).toBe('private-workspace.5');
    expect(workspaceChatChannel(5, 9)).toBe('private-workspace.5.chat.9');
    expect(workspaceAgentsChannel(5)).toBe('presence-workspace.5.agents');
    expect(userChannel(7)).toBe('private-user.7');
    expect(campaignChannel('2b1f-aa')).toBe('private-campaign.2b1f-aa');
    expect(echoChannelName('presence-workspace.5.agents')).toBe('workspace.5.agents');
  });

  it('parses every builder back to its channel and typed params', () => {
    expect(parseChannel(workspaceChannel(5))).toEqual({
      kind: 'private',
      name: 'private-workspace.5',
      key: 'workspace',
      params: { workspaceId: 5 },
    });
    expect(parseChannel(workspaceChatChannel(5, 9))).toMatchObject({
      key: 'workspaceChat',
      params: { workspaceId: 5, contactId: 9 },
    });
    expect(parseChannel(workspaceAgentsChannel(5))).toMatchObject({
      kind: 'presence',
      key: 'workspaceAgents',
    });
    expect(parseChannel(userChannel(7))).toMatchObject({ key: 'user', params: { userId: 7 } });
    expect(parseChannel(campaignChannel('2b1f-aa'))).toMatchObject({
      key: 'campaign',
      params: { campaignUuid: '2b1f-aa' },
    });
  });

  it('treats unprefixed names as public and refuses undeclared or malformed private names', () => {
    expect(parseChannel('orders')).toEqual({ kind: 'public', name: 'orders' });
    for (const name of [
      'private-orders.1',
      'private-workspace.0',
      'private-workspace.01',
      'private-workspace.5.',
      'private-workspace.5.chat.x',
      'presence-workspace.5', // a private channel's name on the presence prefix
      'private-workspace.5.agents',
      'private-campaign.a b',
      'lobby\n',
      '',
      'x'.repeat(201),
    ]) {
      expect({ name, parsed: parseChannel(name) }).toEqual({ name, parsed: null });
    }
  });
});
