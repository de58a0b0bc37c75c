import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/**
 * The current time as a ref that ticks every `intervalMs` while the component is mounted, for
 * countdowns and waiting times that must move without new data from the server.
 */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    now.value = Date.now();
    timer = setInterval(() => {
      now.value = Date.now();
    }, intervalMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}

/** "<1 min", "12 min", "3 h 05 min", "2 d 4 h": how long something has waited. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A list timestamp: the time today, the weekday this week, the date before that. */
export function formatWhen(iso: string, now: number): string {
  const at = new Date(iso);
  const age = now - at.getTime();
  if (age < 60_000) return 'now';
  const today = new Date(now);
  if (at.toDateString() === today.toDateString()) return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (age < 6 * 86_400_000) return at.toLocaleDateString([], { weekday: 'short' });
  return at.toLocaleDateString([], { day: 'numeric', month: 'short' });
}
