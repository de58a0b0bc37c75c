import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { CreateInvitationBody, CreatedInvitationView, InvitationView, TenantRole, TenantUserView } from '@parley/common';
import { invitationsApi, usersApi } from './users.api';

/** Replaces the item with the same id, or adds it: events and answers carry whole views. */
function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const index = list.findIndex((existing) => existing.id === item.id);
  if (index === -1) return [...list, item];
  return list.map((existing, i) => (i === index ? item : existing));
}

export const useUsersStore = defineStore('users', () => {
  const users = ref<TenantUserView[]>([]);
  const invitations = ref<InvitationView[]>([]);
  const loaded = reactive({ users: false, invitations: false });
  const loading = reactive({ users: false, invitations: false, inviting: false });
  /** Ids with a request in flight, so each row shows its own spinner. */
  const busyUsers = reactive(new Set<string>());
  const busyInvitations = reactive(new Set<string>());
  // Each fetch takes a ticket; an answer whose ticket is no longer the latest is stale and dropped.
  const tickets = { users: 0, invitations: 0 };

  const pendingInvitations = computed(() => invitations.value.filter((invitation) => invitation.status === 'pending'));
  const sortedUsers = computed(() => [...users.value].sort((a, b) => a.name.localeCompare(b.name)));

  async function fetchUsers(): Promise<void> {
    const ticket = ++tickets.users;
    loading.users = true;
    try {
      const list = await usersApi.list();
      if (ticket === tickets.users) {
        users.value = list;
        loaded.users = true;
      }
    } finally {
      if (ticket === tickets.users) loading.users = false;
    }
  }

  async function fetchInvitations(): Promise<void> {
    const ticket = ++tickets.invitations;
    loading.invitations = true;
    try {
      const list = await invitationsApi.list();
      if (ticket === tickets.invitations) {
        invitations.value = list;
        loaded.invitations = true;
      }
    } finally {
      if (ticket === tickets.invitations) loading.invitations = false;
    }
  }

  /** After a reconnect: only what was already on screen is refetched. */
  async function refetch(): Promise<void> {
    await Promise.all([loaded.users ? fetchUsers() : null, loaded.invitations ? fetchInvitations() : null]);
  }

  async function onUser(id: string, call: () => Promise<TenantUserView>): Promise<void> {
    busyUsers.add(id);
    try {
      receiveUser(await call());
    } finally {
      busyUsers.delete(id);
    }
  }

  const changeRoles = (id: string, roles: TenantRole[]) => onUser(id, () => usersApi.changeRoles(id, roles));
  const deactivate = (id: string) => onUser(id, () => usersApi.deactivate(id));
  const reactivate = (id: string) => onUser(id, () => usersApi.reactivate(id));

  async function invite(body: CreateInvitationBody): Promise<CreatedInvitationView> {
    loading.inviting = true;
    try {
      const created = await invitationsApi.create(body);
      receiveInvitation(created.invitation);
      return created;
    } finally {
      loading.inviting = false;
    }
  }

  async function revoke(id: string): Promise<void> {
    busyInvitations.add(id);
    try {
      receiveInvitation(await invitationsApi.revoke(id));
    } finally {
      busyInvitations.delete(id);
    }
  }

  function receiveUser(user: TenantUserView): void {
    users.value = upsert(users.value, user);
  }

  function receiveInvitation(invitation: InvitationView): void {
    invitations.value = upsert(invitations.value, invitation);
  }

  return {
    users: sortedUsers,
    invitations,
    pendingInvitations,
    loaded,
    loading,
    busyUsers,
    busyInvitations,
    fetchUsers,
    fetchInvitations,
    refetch,
    changeRoles,
    deactivate,
    reactivate,
    invite,
    revoke,
    receiveUser,
    receiveInvitation,
  };
});
