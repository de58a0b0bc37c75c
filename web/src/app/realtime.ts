import { io } from 'socket.io-client';
import { ref } from 'vue';
import { announceAll, bindEvents, checkSession, refetchAll } from './realtime.table';
import { holdSocket, type AppSocket } from './socket';

export type RealtimeStatus = 'connecting' | 'online' | 'offline';

/** Shown in the header, so a person knows whether what they see is live. */
export const realtimeStatus = ref<RealtimeStatus>('offline');

const RETRY_AFTER_REJECTION_MS = 5000;
let socket: AppSocket | null = null;

/**
 * The server refused or dropped the socket on purpose (a rejected handshake, `io server disconnect`),
 * and socket.io does not retry those by itself: retry only while the session is still valid.
 */
async function recover(target: AppSocket): Promise<void> {
  realtimeStatus.value = 'offline';
  if (!(await checkSession())) return;
  setTimeout(() => {
    if (socket === target) target.connect();
  }, RETRY_AFTER_REJECTION_MS);
}

/** Connects with the session cookie; the engine puts the socket in the session's tenant rooms. */
export function startRealtime(): void {
  if (socket) return;
  // WebSocket only: long-polling needs sticky sessions once several engine processes share the load.
  const target: AppSocket = io({ withCredentials: true, transports: ['websocket'] });
  socket = target;
  holdSocket(target);
  realtimeStatus.value = 'connecting';
  let connectedBefore = false;

  target.on('connect', () => {
    realtimeStatus.value = 'online';
    void announceAll();
    if (connectedBefore) void refetchAll();
    connectedBefore = true;
  });
  target.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') void recover(target);
    else realtimeStatus.value = target.active ? 'connecting' : 'offline';
  });
  target.on('connect_error', () => {
    if (target.active) realtimeStatus.value = 'connecting';
    else void recover(target);
  });
  bindEvents(target);
}

export function stopRealtime(): void {
  socket?.disconnect();
  socket = null;
  holdSocket(null);
  realtimeStatus.value = 'offline';
}
