// A tiny DOM builder: h('button', { className: 'x', onclick }, 'text').
// Props are set as element properties, except `aria-*`, `data-*`, `role` and
// `for`, which are attributes. Children that are null/undefined/false are skipped.

type Child = Node | string | number | null | undefined | false
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style'>> & {
  [attr: `aria-${string}`]: string | undefined
  [attr: `data-${string}`]: string | undefined
  role?: string
  style?: string
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props<K> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined) continue
      if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role') el.setAttribute(k, String(v))
      else if (k === 'style') el.setAttribute('style', String(v))
      else (el as unknown as Record<string, unknown>)[k] = v
    }
  }
  append(el, children)
  return el
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
}

let uid = 0
/** A document-unique element id with a readable prefix. */
export function uniqueId(prefix: string): string {
  uid += 1
  return `${prefix}-${uid}`
}

/** A short-lived announcement for screen readers (polite live region). */
export function announce(text: string): void {
  let region = document.getElementById('sr-announcer')
  if (!region) {
    region = h('div', { id: 'sr-announcer', className: 'visually-hidden', 'aria-live': 'polite' })
    document.body.append(region)
  }
  region.textContent = ''
  setTimeout(() => {
    region!.textContent = text
  }, 30)
}
