import type { ServerToClientEvents } from '@parley/common';
import { useAuthStore } from '../auth/auth.store';
import { useUsersStore } from './users.store';

export const usersSocket = {
  userUpdated: ((user) => {
    useUsersStore().receiveUser(user);
    // My own roles changed: the rules the ability is built from changed with them.
    if (user.id === useAuthStore().session?.user.id) return useAuthStore().load();
  }) satisfies ServerToClientEvents['user:updated'],

  invitationChanged: ((invitation) => {
    useUsersStore().receiveInvitation(invitation);
  }) satisfies ServerToClientEvents['invitation:created'],

  invitationAccepted: ((invitation) => {
    const store = useUsersStore();
    store.receiveInvitation(invitation);
    // The event names the invitation, not the new member, who is fetched to appear in the team.
    if (store.loaded.users) return store.fetchUsers();
  }) satisfies ServerToClientEvents['invitation:accepted'],

  refetch: () => useUsersStore().refetch(),
};
