import { h, type VNode } from 'vue';
import { NTag, type TagProps } from 'naive-ui';

/** The colours of a Naive UI tag. */
export type Tone = NonNullable<TagProps['type']>;

/** How one status reads to a person, and the colour of its tag. */
export interface StatusLabel {
  label: string;
  tone: Tone;
}

/**
 * A label and a tag colour for every value of a status union; a status added in `common` without
 * its label fails the type check. `Extra` carries what a feature shows besides (a hint).
 */
export type StatusLabels<K extends string, Extra extends object = object> = Record<K, StatusLabel & Extra>;

/** The small borderless tag a status is shown with in tables; `props` adds to it (round, test ids). */
export function statusTag(status: StatusLabel, props: TagProps & Record<`data-${string}`, string> = {}): VNode {
  return h(NTag, { size: 'small', bordered: false, type: status.tone, ...props }, { default: () => status.label });
}
