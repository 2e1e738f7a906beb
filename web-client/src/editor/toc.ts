// The document's contents: links to its sections and to each theme, session or
// table, for jumping around a long plan (with the keyboard too). Built from the
// rendered document, so it follows every kind; refreshed after each update pass.
import { h } from '../dom'
import { t } from '../i18n'

interface Entry {
  id: string
  label: string
  level: number
}

let tocIds = 0

function anchor(el: HTMLElement): string {
  if (!el.id) {
    tocIds += 1
    el.id = `sec-${tocIds}`
  }
  return el.id
}

export class Toc {
  readonly el: HTMLElement
  private readonly list: HTMLOListElement
  private signature = ''

  constructor(private readonly doc: HTMLElement) {
    this.list = h('ol', { className: 'toc-list' })
    this.el = h('nav', { className: 'toc', 'aria-labelledby': 'toc-title' }, h('h2', { id: 'toc-title', className: 'toc-title' }, t.contents), this.list)
    this.list.addEventListener('click', (ev) => {
      const a = (ev.target as Element).closest('a')
      if (!a) return
      ev.preventDefault()
      const target = document.getElementById(a.hash.slice(1))
      if (!target) return
      target.scrollIntoView({ block: 'start' })
      // Move the keyboard there as well: the first field of that section.
      target.querySelector<HTMLElement>('input, textarea, select, [contenteditable="true"], button')?.focus({ preventScroll: true })
    })
    this.update()
  }

  private entries(): Entry[] {
    const out: Entry[] = []
    for (const child of Array.from(this.doc.children) as HTMLElement[]) {
      const heading = child.querySelector<HTMLElement>(':scope > h1, :scope > h2')
      const titleInput = heading?.querySelector<HTMLInputElement>('input')
      const label = titleInput ? titleInput.value : (heading?.textContent ?? '')
      if (label) out.push({ id: anchor(child), label, level: 1 })
      for (const item of Array.from(child.querySelectorAll<HTMLElement>(':scope > .blocks > article.item'))) {
        const number = item.querySelector('.item-number')?.textContent ?? ''
        const title = item.querySelector<HTMLInputElement>('.item-heading input')?.value ?? ''
        out.push({ id: anchor(item), label: title ? `${number} · ${title}` : number, level: 2 })
      }
    }
    return out
  }

  update(): void {
    const entries = this.entries()
    const sig = JSON.stringify(entries)
    if (sig === this.signature) return
    this.signature = sig
    this.list.replaceChildren(
      ...entries.map((e) => h('li', { className: `toc-l${e.level}` }, h('a', { href: `#${e.id}` }, e.label))),
    )
  }
}
