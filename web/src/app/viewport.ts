import { onBeforeUnmount, ref } from 'vue';

/** True under the width where the sidebar gives its room to the content (tablets in portrait). */
export function useNarrowViewport(maxWidth = 1023) {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`);
  const narrow = ref(query.matches);
  const update = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  query.addEventListener('change', update);
  onBeforeUnmount(() => query.removeEventListener('change', update));
  return narrow;
}
