import { computed, reactive } from 'vue';
import {
  lintTemplate,
  uniqueTokens,
  type CreateTemplateBody,
  type FieldIssue,
  type MediaView,
  type ParameterFormat,
  type TemplateButton,
  type TemplateCategory,
  type TemplateContent,
  type TemplateView,
  type UpdateTemplateBody,
} from '@parley/common';

export type HeaderKind = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';

export interface TemplateFormValues {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  headerKind: HeaderKind;
  headerText: string;
  headerExamples: Record<string, string>;
  /** The sample's Resumable Upload handle, as WhatsApp reviews the template with it. */
  headerMedia: string;
  /** The sample uploaded in this editor, to show; null for a template's earlier sample. */
  headerMediaFile: MediaView | null;
  bodyText: string;
  bodyExamples: Record<string, string>;
  /** Empty means no footer. */
  footer: string;
  buttons: TemplateButton[];
}

function blank(): TemplateFormValues {
  return {
    name: '',
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    headerKind: 'NONE',
    headerText: '',
    headerExamples: {},
    headerMedia: '',
    headerMediaFile: null,
    bodyText: '',
    bodyExamples: {},
    footer: '',
    buttons: [],
  };
}

function fromView(view: TemplateView): TemplateFormValues {
  const { header, body, footer, buttons, parameterFormat } = view.content;
  return {
    ...blank(),
    name: view.name,
    language: view.language,
    category: view.category,
    parameterFormat,
    headerKind: header?.format ?? 'NONE',
    headerText: header?.format === 'TEXT' ? header.text : '',
    headerExamples: header?.format === 'TEXT' ? { ...header.examples } : {},
    headerMedia: header && header.format !== 'TEXT' ? header.example : '',
    bodyText: body.text,
    bodyExamples: { ...body.examples },
    footer: footer ?? '',
    buttons: buttons.map((button) => ({ ...button })),
  };
}

/** Examples of the variables still in the text; a removed variable's example is not sent. */
function examplesOf(text: string, examples: Record<string, string>): Record<string, string> {
  return Object.fromEntries(uniqueTokens(text).map((token) => [token, examples[token] ?? '']));
}

/**
 * The editor's state and what follows from it: the content WhatsApp would get, and every problem
 * the shared linter finds in it, live, with the same words the engine answers with.
 */
export function useTemplateForm() {
  const values = reactive<TemplateFormValues>(blank());

  const content = computed<TemplateContent>(() => {
    const header =
      values.headerKind === 'NONE'
        ? null
        : values.headerKind === 'TEXT'
          ? { format: 'TEXT' as const, text: values.headerText, examples: examplesOf(values.headerText, values.headerExamples) }
          : { format: values.headerKind, example: values.headerMedia.trim() };
    return {
      parameterFormat: values.parameterFormat,
      header,
      body: { text: values.bodyText, examples: examplesOf(values.bodyText, values.bodyExamples) },
      footer: values.footer.trim() ? values.footer : null,
      buttons: values.buttons,
    };
  });

  const problems = computed<FieldIssue[]>(() => lintTemplate({ name: values.name, language: values.language, category: values.category, ...content.value }));

  function problemsAt(prefix: string): string[] {
    return problems.value.filter((problem) => problem.field === prefix || problem.field.startsWith(`${prefix}.`)).map((problem) => problem.message);
  }

  function reset(view: TemplateView | null): void {
    Object.assign(values, view ? fromView(view) : blank());
  }

  /** A sample uploaded for the header: its handle is what WhatsApp reviews the template with. */
  function setSample(media: MediaView | null): void {
    values.headerMediaFile = media;
    values.headerMedia = media?.handle ?? '';
  }

  function createBody(submit: boolean): CreateTemplateBody {
    return { name: values.name, language: values.language, category: values.category, ...content.value, submit };
  }

  function updateBody(submit: boolean): UpdateTemplateBody {
    return { category: values.category, ...content.value, submit };
  }

  return reactive({ values, content, problems, problemsAt, reset, setSample, createBody, updateBody });
}

export type TemplateForm = ReturnType<typeof useTemplateForm>;
