// GET /docs: the OpenAPI document rendered as a plain HTML page, server-side, so it works
// offline and under a strict Content-Security-Policy (no script, no CDN).
type Json = Record<string, unknown>;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] as string);

function describeAccess(access: unknown): string {
  const rule = access as { access?: string; grants?: string[]; scope?: string } | undefined;
  if (!rule?.access) return "";
  if (rule.access === "public") return "公开 / public";
  if (rule.access === "signed_in") return `登录用户 / signed in · scope: ${rule.scope}`;
  return `${(rule.grants ?? []).join(", ")} · scope: ${rule.scope}`;
}

export function renderDocsPage(document: Json): string {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const operations: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = (operation.requestBody as Json | undefined)?.content as Record<string, { schema?: unknown }> | undefined;
      const bodySchema = body?.["application/json"]?.schema;
      const params = (operation.parameters as { name: string; in: string; required?: boolean }[] | undefined) ?? [];
      const responses = Object.entries((operation.responses as Record<string, { description?: string }>) ?? {});
      operations.push(`<section class="op">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(operation.summary ?? ""))}</p>
<p class="access">权限 / Access: ${escapeHtml(describeAccess(operation["x-access"]))}</p>
${params.length ? `<p>参数 / Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ", required" : ""})`).join(", ")}</p>` : ""}
${bodySchema ? `<details><summary>请求体 / Request body</summary><pre>${escapeHtml(JSON.stringify(bodySchema, null, 2))}</pre></details>` : ""}
<p>响应 / Responses: ${responses.map(([code, r]) => `<code>${code}</code> ${escapeHtml(r.description ?? "")}`).join(" · ")}</p>
</section>`);
    }
  }
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const info = (document.info ?? {}) as { title?: string; version?: string; description?: string };
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档 / API docs</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/docs.css"></head>
<body><h1>${escapeHtml(info.title ?? "API")} <small>${escapeHtml(info.version ?? "")}</small></h1>
<p>${escapeHtml(info.description ?? "")} <a href="/openapi.json">openapi.json</a></p>
${operations.join("\n")}
<h2>数据结构 / Schemas</h2>
${Object.entries(schemas).map(([name, schema]) => `<details><summary><code>${escapeHtml(name)}</code></summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`).join("\n")}
</body></html>`;
}
