// Lists: a Y.Array of Y.Maps shown as table rows (actions, agreements, partners)
// or as blocks (themes, questions, sessions). Items are keyed by their Y.Map, so
// an item's DOM and editors survive whatever happens around them; only items
// that are gone are destroyed, only new ones are built.
import * as Y from 'yjs'
import { announce, h, uniqueId } from '../dom'
import { t } from '../i18n'
import { insertItem } from '../layout'
import { focusFirstField, type Comp, type Ctx, type LabelKey } from './comp'

export interface ListSpec {
  /** Heading of the list. */
  title: LabelKey
  /** Label of one item ("Actie"), for remove buttons. */
  itemLabel: LabelKey
  /** Text of the add button. */
  add: LabelKey
  /** Values for a new item's required keys the layout has no default for (titles). */
  defaults: () => Record<string, unknown>
  /** Heading level of the list's title. */
  level: 2 | 3 | 4
  /** Ask before removing (items with rich text in them). */
  confirm?: boolean
  /** Extra clean-up in the removing transaction (references to the item). */
  onRemove?: (ctx: Ctx, item: Y.Map<unknown>) => void
  /** The item's display name for the remove button and confirmation. */
  describe?: (item: Y.Map<unknown>, index: number) => string
  className?: string
}

export interface TableSpec extends ListSpec {
  columns: { label: LabelKey; className?: string }[]
  /** Builds the cells of one row (one component per column, same order). */
  cells: (ctx: Ctx, item: Y.Map<unknown>, itemPattern: string) => Comp[]
}

export interface BlockSpec extends ListSpec {
  /** Builds one item block; `removeButton` belongs into its header. */
  block: (ctx: Ctx, item: Y.Map<unknown>, itemPattern: string, index: () => number, removeButton: HTMLElement) => Comp
}

abstract class ListBase implements Comp {
  readonly el: HTMLElement
  protected readonly items = new Map<Y.Map<unknown>, Comp>()
  protected list: Y.Array<Y.Map<unknown>> | null = null
  protected readonly container: HTMLElement
  protected readonly empty: HTMLElement
  protected readonly headingId: string

  constructor(
    protected readonly ctx: Ctx,
    protected readonly parent: Y.Map<unknown>,
    protected readonly key: string,
    protected readonly listPattern: string,
    protected readonly spec: ListSpec,
    container: HTMLElement,
  ) {
    this.headingId = uniqueId(`list-${key}`)
    this.container = container
    this.empty = h('p', { className: 'empty muted' }, t.emptyList)
    const addButton = h('button', { type: 'button', className: 'button add' }, `+ ${t[spec.add]}`)
    addButton.addEventListener('click', () => this.addItem())
    this.el = h(
      'section',
      { className: `list list-${key} ${spec.className ?? ''}`.trim(), 'aria-labelledby': this.headingId },
      h(`h${spec.level}`, { id: this.headingId, className: 'list-title' }, t[spec.title]),
      this.empty,
      container,
      h('div', { className: 'list-actions' }, addButton),
    )
  }

  protected abstract build(item: Y.Map<unknown>, itemPattern: string, remove: HTMLElement): Comp
  protected abstract host(): HTMLElement

  private addItem(): void {
    const list = this.list
    if (!list) return
    const item = insertItem(this.ctx.kind, list, this.listPattern, this.spec.defaults())
    this.ctx.focusNext = item
    announce(`${t[this.spec.itemLabel]} +`)
  }

  private removeButton(item: Y.Map<unknown>): HTMLElement {
    const b = h('button', { type: 'button', className: 'button remove' }, '×')
    const label = () => {
      const index = this.list ? this.list.toArray().indexOf(item) : -1
      return this.spec.describe?.(item, index) ?? `${t[this.spec.itemLabel]} ${index + 1}`
    }
    const refresh = () => b.setAttribute('aria-label', t.removeItem(label()))
    refresh()
    b.addEventListener('focus', refresh)
    b.addEventListener('mouseenter', refresh)
    b.title = t.remove
    b.addEventListener('click', () => {
      const list = this.list
      if (!list) return
      if (this.spec.confirm && !window.confirm(t.confirmRemove(label()))) return
      const index = list.toArray().indexOf(item)
      if (index < 0) return
      this.ctx.doc.transact(() => {
        this.spec.onRemove?.(this.ctx, item)
        list.delete(index, 1)
      })
      // Keep the keyboard user in the list: focus the next item's remove button or the add button.
      queueMicrotask(() => {
        const buttons = this.el.querySelectorAll<HTMLElement>('.button.remove')
        const target = buttons[Math.min(index, buttons.length - 1)] ?? this.el.querySelector<HTMLElement>('.button.add')
        target?.focus()
      })
    })
    return b
  }

  update(): void {
    const value = this.parent.get(this.key)
    const list = value instanceof Y.Array ? (value as Y.Array<Y.Map<unknown>>) : null
    this.list = list
    const wanted = list ? list.toArray().filter((m): m is Y.Map<unknown> => m instanceof Y.Map) : []
    const keep = new Set(wanted)
    for (const [m, c] of this.items) {
      if (!keep.has(m)) {
        c.destroy()
        c.el.remove()
        this.items.delete(m)
      }
    }
    const host = this.host()
    let cursor: ChildNode | null = host.firstChild
    const created: Comp[] = []
    for (const m of wanted) {
      let c = this.items.get(m)
      if (!c) {
        c = this.build(m, `${this.listPattern}/*`, this.removeButton(m))
        this.items.set(m, c)
        created.push(c)
      }
      // Only move what is out of place: a moved element loses focus.
      if (c.el !== cursor) host.insertBefore(c.el, cursor)
      else cursor = cursor.nextSibling
      c.update()
    }
    this.empty.hidden = wanted.length > 0
    this.container.hidden = wanted.length === 0
    const next = this.ctx.focusNext
    if (next && this.items.has(next)) {
      this.ctx.focusNext = null
      focusFirstField(this.items.get(next)!.el)
    }
  }

  destroy(): void {
    for (const c of this.items.values()) c.destroy()
    this.items.clear()
  }
}

/** A list as a table: one row per item, one cell per column; a stack of cards on narrow screens. */
export class TableList extends ListBase {
  private readonly tbody: HTMLTableSectionElement

  constructor(ctx: Ctx, parent: Y.Map<unknown>, key: string, listPattern: string, private readonly tspec: TableSpec) {
    const tbody = h('tbody')
    const table = h(
      'table',
      { className: 'items' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...tspec.columns.map((c) => h('th', { scope: 'col', className: c.className ?? '' }, t[c.label])),
          h('th', { scope: 'col', className: 'col-remove' }, h('span', { className: 'visually-hidden' }, t.remove)),
        ),
      ),
      tbody,
    )
    super(ctx, parent, key, listPattern, tspec, h('div', { className: 'table-wrap' }, table))
    this.tbody = tbody
    this.update()
  }

  protected host(): HTMLElement {
    return this.tbody
  }

  protected build(item: Y.Map<unknown>, itemPattern: string, remove: HTMLElement): Comp {
    const cells = this.tspec.cells(this.ctx, item, itemPattern)
    const tr = h(
      'tr',
      { className: 'item-row' },
      ...cells.map((c, i) => h('td', { className: this.tspec.columns[i]?.className ?? '', 'data-label': t[this.tspec.columns[i]!.label] }, c.el)),
      h('td', { className: 'col-remove' }, remove),
    )
    tr.dataset['id'] = String(item.get('id') ?? '')
    return {
      el: tr,
      update: () => cells.forEach((c) => c.update()),
      destroy: () => cells.forEach((c) => c.destroy()),
    }
  }
}

/** A list of blocks (sections, cards), each built by the spec. */
export class BlockList extends ListBase {
  private readonly holder: HTMLElement

  constructor(ctx: Ctx, parent: Y.Map<unknown>, key: string, listPattern: string, private readonly bspec: BlockSpec) {
    const holder = h('div', { className: 'blocks' })
    super(ctx, parent, key, listPattern, bspec, holder)
    this.holder = holder
    this.update()
  }

  protected host(): HTMLElement {
    return this.holder
  }

  protected build(item: Y.Map<unknown>, itemPattern: string, remove: HTMLElement): Comp {
    const index = () => (this.list ? this.list.toArray().indexOf(item) : -1)
    const c = this.bspec.block(this.ctx, item, itemPattern, index, remove)
    c.el.dataset['id'] = String(item.get('id') ?? '')
    return c
  }
}
