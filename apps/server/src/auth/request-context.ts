import type { WorkspaceRole } from '@switchboard/contracts';
import type { Request } from 'express';
import type { User } from '../users/user.entity';
import type { AuthSession } from './auth-session.entity';

/** Who made the request; set by the AuthGuard. */
export interface AuthContext {
  user: User;
  session: AuthSession;
}

/** Which workspace the request acts on and the caller's role there; set by the WorkspaceGuard. */
export interface WorkspaceContext {
  workspaceId: number;
  role: WorkspaceRole;
}

export interface SwitchboardRequest extends Request {
  auth?: AuthContext;
  workspace?: WorkspaceContext;
}
