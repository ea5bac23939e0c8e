import type { MemberView } from '@switchboard/contracts';
import { request } from './http';

/** Members of the current workspace. */
export function listMembers(signal?: AbortSignal): Promise<MemberView[]> {
  return request<MemberView[]>('/members', { signal });
}
