// The server's REST API (see the top-level README, "HTTP endpoints").

export interface DocSummary {
  id: string
  title: string
  kind: string
  /** Milliseconds since the epoch. */
  updated_at: number
}

export interface TemplateSummary {
  id: string
  kind: string
  title: string
  description: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`
    try {
      const body = await res.json()
      if (body && typeof body.message === 'string') message = body.message
      else if (body && typeof body.error === 'string') message = body.error
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, message)
  }
  return (await res.json()) as T
}

const PAGE = 100

/** Every document, most recently changed first (the API pages by 100). */
export async function listDocs(): Promise<DocSummary[]> {
  const all: DocSummary[] = []
  for (let offset = 0; offset < 100_000; offset += PAGE) {
    const page = await json<{ docs: DocSummary[] }>(await fetch(`/api/docs?offset=${offset}&limit=${PAGE}`))
    all.push(...page.docs)
    if (page.docs.length < PAGE) break
  }
  return all
}

export async function listTemplates(): Promise<TemplateSummary[]> {
  const body = await json<{ templates: TemplateSummary[] }>(await fetch('/api/templates'))
  return body.templates
}

export async function createDoc(kind: string, template: string, title: string): Promise<{ id: string; kind: string; title: string }> {
  return json(
    await fetch('/api/docs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, template, title }),
    }),
  )
}
