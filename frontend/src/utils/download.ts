// Saving a file fetched with the bearer token: an export cannot be a plain
// link (the token lives in memory, not in a cookie), so it is fetched as a
// blob and handed to the browser through a temporary object URL.

import { download, type DownloadedFile, type Query } from '@/api/client'
import type { ExportFormat } from '@/types'

export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'xlsx']

/** How long the object URL outlives the click (the browser reads it asynchronously). */
const REVOKE_AFTER_MS = 10_000

/** Offers `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = filename
  anchor.rel = 'noopener'
  anchor.style.display = 'none'
  document.body.appendChild(anchor)
  try {
    anchor.click()
  } finally {
    anchor.remove()
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
  }
}

/** A safe default name: `base.format`, without characters file systems reject. */
export function exportName(base: string, format: ExportFormat): string {
  const clean = base.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'export'
  return `${clean}.${format}`
}

/** Fetches an export (`path?…&format=`) and saves it; resolves to the file saved. */
export async function downloadExport(
  path: string,
  query: Query,
  format: ExportFormat,
  fallbackBase: string,
): Promise<DownloadedFile> {
  const file = await download(path, { ...query, format }, exportName(fallbackBase, format))
  saveBlob(file.blob, file.filename)
  return file
}
