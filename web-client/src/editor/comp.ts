// The editor's building blocks. A component owns one DOM element bound to a part
// of the Y.Doc. `update()` brings the element in line with the Y.Doc (it is
// called after every structural or plain-value change, see view.ts) and must be
// cheap and idempotent; `destroy()` releases editors and listeners.
import type * as Y from 'yjs'
import type { DocSession } from './session'
import type { Strings } from '../i18n'

export interface Comp {
  readonly el: HTMLElement
  update(): void
  destroy(): void
}

export type LabelKey = { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings]

export interface Ctx {
  kind: string
  session: DocSession
  doc: Y.Doc
  root: Y.Map<unknown>
  /** The caret user (name, colour) for the Tiptap editors. */
  user: { name: string; color: string }
  /** A list item just created here: focus its first field once it is rendered. */
  focusNext: Y.Map<unknown> | null
}

/** A component that just holds children and updates them. */
export class Group implements Comp {
  constructor(
    readonly el: HTMLElement,
    readonly children: Comp[] = [],
  ) {
    for (const c of children) if (!c.el.parentNode) el.append(c.el)
  }
  add(c: Comp, into: HTMLElement = this.el): Comp {
    this.children.push(c)
    into.append(c.el)
    return c
  }
  update(): void {
    for (const c of this.children) c.update()
  }
  destroy(): void {
    for (const c of this.children) c.destroy()
    this.children.length = 0
  }
}

export function focusFirstField(el: HTMLElement): void {
  const target = el.querySelector<HTMLElement>('input, textarea, select, [contenteditable="true"]')
  target?.focus()
}
