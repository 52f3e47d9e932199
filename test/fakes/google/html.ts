/** Minimal HTML for the fake's pages (OAuth screens, error pages, the /__fake/ inspector). */

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `body` must already be escaped markup. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style>
</head><body>
${body}
</body></html>`;
}

/** The shape of Google's front-end error pages ("Error 404 (Not Found)!!1"), for non-JSON error bodies. */
export function googleErrorPage(status: number, reason: string, explanation: string): string {
  return htmlPage(
    `Error ${status} (${reason})!!1`,
    `<p><b>${status}.</b> <ins>That’s an error.</ins></p><p>${escapeHtml(explanation)} <ins>That’s all we know.</ins></p>`,
  );
}
