import { reactive, ref } from 'vue';
import { ApiError } from './http';
import { describeError, phraseIssue } from './errors';

/** The part of a zod schema forms need; the schemas themselves come from @parley/common. */
export interface FormSchema<T> {
  safeParse(input: unknown):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * One remote operation started from a form or dialog: a busy flag while it runs, and a failure
 * handed to `report` (a field error, a message) instead of escaping as an exception. `run`
 * resolves true once the operation succeeded and false when it failed, which an NModal's
 * positive-click handler returns to stay open after a failure.
 */
export function useSubmission(report: (error: unknown) => void) {
  const busy = ref(false);

  async function run(operation: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    try {
      await operation();
      return true;
    } catch (error) {
      report(error);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return reactive({ busy, run });
}

/** Server field paths carry where the value was sent (`body.email`); forms only know `email`. */
function formKey(field: string): string {
  return field.replace(/^(body|query|params)\./, '').split('.')[0] ?? field;
}

/**
 * Field errors and the form-level message of one form. Client-side validation uses the same schema
 * as the engine, and the engine's field errors land under the same fields.
 */
export function useFormErrors<K extends string>(labels: Record<K, string>) {
  const fields = reactive<Partial<Record<string, string>>>({});
  const message = ref<string | null>(null);

  function isField(key: string): key is K {
    return key in labels;
  }

  function clear(): void {
    for (const key of Object.keys(fields)) delete fields[key];
    message.value = null;
  }

  function put(key: string, text: string): boolean {
    if (!isField(key)) return false;
    fields[key] ??= phraseIssue(labels[key], text);
    return true;
  }

  function validate<T>(schema: FormSchema<T>, values: unknown): T | null {
    clear();
    const result = schema.safeParse(values);
    if (result.success) return result.data;
    const stray = result.error.issues.filter((issue) => !put(String(issue.path[0] ?? ''), issue.message));
    if (stray.length > 0) message.value = stray.map((issue) => issue.message).join('; ');
    return null;
  }

  function fail(error: unknown): void {
    clear();
    const placed = error instanceof ApiError ? error.fields.filter((issue) => put(formKey(issue.field), issue.message)) : [];
    const everyFieldPlaced = error instanceof ApiError && placed.length > 0 && placed.length === error.fields.length;
    if (!everyFieldPlaced) message.value = describeError(error);
  }

  /** Props for an NFormItem: `<n-form-item v-bind="form.item('email')">`. */
  function item(key: K): { label: string; feedback: string | undefined; validationStatus: 'error' | undefined } {
    const text = fields[key];
    return { label: labels[key], feedback: text, validationStatus: text ? 'error' : undefined };
  }

  // Reactive, so templates read `form.message` without `.value`.
  return reactive({ fields, message, validate, fail, clear, item });
}
