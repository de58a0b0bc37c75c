import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ContactImportView, ImportCounts, ImportRejection, ImportRunInput } from '@parley/common';
import { importsApi } from './contacts.api';

export interface ImportProgress {
  processed: number;
  total: number;
  counts: ImportCounts;
}

/** One import being walked through: upload, mapping, live progress, report. */
export const useContactImportStore = defineStore('contact-import', () => {
  const current = ref<ContactImportView | null>(null);
  const progress = ref<ImportProgress | null>(null);
  const rejections = ref<ImportRejection[]>([]);
  const loading = ref({ upload: false, run: false, report: false });

  const percent = computed(() => {
    const view = current.value;
    if (!view) return 0;
    if (view.status === 'completed') return 100;
    const p = progress.value;
    return p && p.total > 0 ? Math.floor((p.processed / p.total) * 100) : 0;
  });

  function reset(): void {
    current.value = null;
    progress.value = null;
    rejections.value = [];
  }

  async function upload(file: File): Promise<void> {
    loading.value.upload = true;
    try {
      reset();
      current.value = await importsApi.upload(file);
    } finally {
      loading.value.upload = false;
    }
  }

  async function run(body: ImportRunInput): Promise<void> {
    const view = current.value;
    if (!view) return;
    loading.value.run = true;
    try {
      const started = await importsApi.run(view.id, body);
      // A small file can finish (and its report arrive) before this answer does.
      if (current.value?.id === view.id && current.value.status === 'uploaded') {
        current.value = started;
        progress.value = { processed: 0, total: view.rowCount, counts: view.counts };
      }
    } finally {
      loading.value.run = false;
    }
  }

  async function open(id: string): Promise<void> {
    loading.value.report = true;
    try {
      const report = await importsApi.report(id);
      current.value = report.import;
      rejections.value = report.rejections;
      progress.value = { processed: report.import.processed, total: report.import.rowCount, counts: report.import.counts };
    } finally {
      loading.value.report = false;
    }
  }

  /** Events for another import (another tab, a colleague) are not this screen's. */
  function progressed(event: { importId: string; processed: number; total?: number; counts: ImportCounts }): void {
    const view = current.value;
    if (!view || view.id !== event.importId || view.status !== 'running') return;
    if (progress.value && event.processed < progress.value.processed) return;
    progress.value = { processed: event.processed, total: event.total ?? view.rowCount, counts: event.counts };
  }

  async function finished(view: ContactImportView): Promise<void> {
    if (current.value?.id !== view.id) return;
    await open(view.id);
  }

  async function refetch(): Promise<void> {
    const view = current.value;
    if (view && view.status === 'running') await open(view.id);
  }

  return { current, progress, rejections, loading, percent, reset, upload, run, open, progressed, finished, refetch };
});
