import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PresenceStatus } from '@parley/common';
import { request } from '../../app/socket';
import { useAuthStore } from '../auth/auth.store';

const STORAGE_KEY = 'parley.presence';
type Choice = Extract<PresenceStatus, 'online' | 'away'>;

/** A tab opened later keeps the last choice; a first visit starts online, ready to take work. */
function storedChoice(): Choice {
  return localStorage.getItem(STORAGE_KEY) === 'away' ? 'away' : 'online';
}

/** Whether the signed-in agent takes new conversations: online ones are assigned, away ones are not. */
export const usePresenceStore = defineStore('presence', () => {
  const auth = useAuthStore();
  const status = ref<Choice>(storedChoice());
  const saving = ref(false);

  /**
   * Only care and sales agents are given conversations; an admin may reply without being one, but
   * presence and "take" mean nothing for them.
   */
  const takesConversations = computed(() => auth.can('send', 'Conversation') && auth.roles.some((role) => role === 'care_agent' || role === 'sales_agent'));

  async function set(next: Choice): Promise<void> {
    const previous = status.value;
    status.value = next;
    saving.value = true;
    try {
      await request('presence:set', next);
      localStorage.setItem(STORAGE_KEY, next);
    } catch (error) {
      status.value = previous;
      throw error;
    } finally {
      saving.value = false;
    }
  }

  /**
   * Said again on every connection: the engine marks an agent offline when their last socket
   * closes, so a reconnect must restore what the agent chose.
   */
  async function announce(): Promise<void> {
    if (takesConversations.value) await request('presence:set', status.value);
  }

  /** The same person changed it in another tab. */
  function changedElsewhere(change: { userId: string; status: PresenceStatus }): void {
    if (change.userId !== auth.session?.user.id || change.status === 'offline') return;
    status.value = change.status;
    localStorage.setItem(STORAGE_KEY, change.status);
  }

  return { status, saving, takesConversations, set, announce, changedElsewhere };
});
