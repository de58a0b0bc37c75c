import { ERROR_CODES, type Ack, type ClientToServerEvents, type ErrorCode, type ServerToClientEvents } from '@parley/common';
import type { Socket } from 'socket.io-client';
import { ApiError } from './http';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ClientEvent = keyof ClientToServerEvents;
/** Every client event carries one payload, then the acknowledgement. */
type Payload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckResult = Parameters<Ack>[0];

const ACK_TIMEOUT_MS = 5000;
let current: AppSocket | null = null;

/** The hub hands over the socket it opened, or null when it closes it. */
export function holdSocket(socket: AppSocket | null): void {
  current = socket;
}

/** `request` checks each payload against its event; socket.io's timeout typing cannot follow a generic event. */
function ask(socket: AppSocket, event: ClientEvent, payload: Payload<ClientEvent>): Promise<AckResult> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
}

function isErrorCode(code: string): code is ErrorCode {
  return code in ERROR_CODES;
}

/**
 * Asks the server over the socket and waits for its acknowledgement. Failures surface as the same
 * `ApiError` HTTP calls throw, so screens describe them with the same sentences.
 */
export async function request<E extends ClientEvent>(event: E, payload: Payload<E>): Promise<void> {
  const socket = current;
  if (!socket?.connected) throw new ApiError(0, 'NETWORK_FAILED', 'The live connection is down');
  let result: AckResult;
  try {
    result = await ask(socket, event, payload);
  } catch {
    throw new ApiError(0, 'NETWORK_FAILED', 'The server did not answer over the live connection');
  }
  if (!result.ok) throw new ApiError(0, isErrorCode(result.error.code) ? result.error.code : 'INTERNAL', result.error.message);
}
