import { computed } from 'vue';
import { renderTemplatePreview, type TemplatePreview } from '@parley/common';
import { useCampaignBuilderStore } from './campaign-builder.store';
import { sampleValue } from './campaign-draft';

/** The chosen template rendered with the variables as mapped, for a sample contact. */
export function useBuilderPreview() {
  const builder = useCampaignBuilderStore();
  return computed<TemplatePreview | null>(() => {
    const template = builder.template;
    if (!template) return null;
    const values = Object.fromEntries(builder.form.variables.map((row) => [row.parameter, sampleValue(row)]));
    return renderTemplatePreview(template.content, values);
  });
}
