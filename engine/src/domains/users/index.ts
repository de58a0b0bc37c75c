export { AuthService, type AuthSettings } from './auth.service.js';
export { Credentials } from './credentials.js';
export { InvitationsService, type TenantDirectory } from './invitations.service.js';
export { UsersService, type Actor } from './users.service.js';
export { authRoutes } from './auth.routes.js';
export { usersRoutes } from './users.routes.js';
export { userSchema, type UserDoc } from './users.model.js';
export { ensureAccount, type BootstrapAccount } from './accounts.bootstrap.js';
