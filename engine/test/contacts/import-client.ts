import type { ContactImportView, ImportReport, ImportRunInput } from '@parley/common';
import type { ApiClient } from '../support/api-client.js';
import { eventually } from '../support/whatsapp.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Uploads a file the way the web app does: the file itself as the body (text/csv, or xlsx). */
export async function uploadCsv(client: ApiClient, body: string | Uint8Array, fileName = 'contacts.csv', contentType = 'text/csv'): Promise<{ status: number; body: ContactImportView & { error?: { code: string; message: string; details?: { line?: number } } } }> {
  const response = await fetch(`${client.baseUrl}/api/contact-imports?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { 'content-type': contentType, cookie: client.sessionCookie ?? '', origin: client.baseUrl },
    body,
  });
  return { status: response.status, body: (await response.json()) as ContactImportView & { error?: { code: string; message: string } } };
}

/** Uploads, maps and runs an import, and waits for its report. */
export async function importCsv(client: ApiClient, csv: string | Uint8Array, run: ImportRunInput, file = { name: 'contacts.csv', type: 'text/csv' }): Promise<ImportReport> {
  const uploaded = await uploadCsv(client, csv, file.name, file.type);
  if (uploaded.status !== 201) throw new Error(`upload failed: ${JSON.stringify(uploaded.body)}`);
  const started = await client.post(`/api/contact-imports/${uploaded.body.id}/run`, run);
  if (started.status !== 202) throw new Error(`run failed: ${started.status} ${JSON.stringify(started.body)}`);
  return eventually(async () => {
    const report = await client.get<ImportReport>(`/api/contact-imports/${uploaded.body.id}?limit=1000`);
    if (report.body.import.status === 'failed') throw new Error(`import failed: ${report.body.import.error}`);
    return report.body.import.status === 'completed' ? report.body : undefined;
  }, 'the import to complete', 60_000);
}
