// Plain-value fields: one key of a Y.Map (a title, a date, a status). They are
// last-writer-wins values (LAYOUT.md 2): every accepted keystroke sets the key.
// A value the layout does not allow (an empty required title, half a URL) is
// shown with a message and not written; leaving the field restores the stored one.
import type * as Y from 'yjs'
import { h, uniqueId } from '../dom'
import { enumLabel, enumValues, t, type EnumName } from '../i18n'
import { isRequired, problem, row, type Problem } from '../layout'
import type { Comp, Ctx, LabelKey } from './comp'

export interface TextOpts {
  label: LabelKey
  input?: 'text' | 'textarea' | 'date' | 'url' | 'number'
  /** Render the label only for screen readers (table cells, headings). */
  hideLabel?: boolean
  className?: string
}

const supportsFieldSizing = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content')

function messageFor(p: Problem, key: string): string {
  if (p === 'required') return t.invalidRequired
  if (p === 'url') return t.invalidUrl
  if (p === 'range' || (p === 'type' && key === 'durationMinutes')) return t.invalidNumber
  if (key === 'schoolYear') return t.invalidSchoolYear
  return t.invalid
}

export class TextField implements Comp {
  readonly el: HTMLElement
  private readonly input: HTMLInputElement | HTMLTextAreaElement
  private readonly error: HTMLElement
  private readonly linkOut: HTMLAnchorElement | null
  private invalidShown = false
  private readonly required: boolean

  constructor(
    private readonly ctx: Ctx,
    private readonly map: Y.Map<unknown>,
    private readonly key: string,
    private readonly pattern: string,
    private readonly opts: TextOpts,
  ) {
    const id = uniqueId(`f-${key}`)
    const errId = `${id}-err`
    const r = row(ctx.kind, pattern)
    this.required = isRequired(ctx.kind, pattern)
    const kind = opts.input ?? 'text'
    if (kind === 'textarea') {
      this.input = h('textarea', { id, rows: 1 })
      if (!supportsFieldSizing) this.input.addEventListener('input', () => this.autosize())
    } else {
      this.input = h('input', { id, type: kind === 'number' ? 'number' : kind === 'url' ? 'url' : kind === 'date' ? 'date' : 'text' })
      if (kind === 'number') {
        if (r.minimum !== undefined) this.input.min = String(r.minimum)
        if (r.maximum !== undefined) this.input.max = String(r.maximum)
        this.input.step = '1'
        this.input.inputMode = 'numeric'
      }
    }
    if (r.maxLength !== undefined) this.input.maxLength = r.maxLength
    if (this.required && (r.minLength ?? 0) > 0) this.input.required = true
    this.input.setAttribute('aria-describedby', errId)
    this.error = h('span', { id: errId, className: 'field-error', 'aria-live': 'polite' })
    this.linkOut = kind === 'url' ? h('a', { className: 'link-out', target: '_blank', rel: 'noopener noreferrer', hidden: true }, '↗') : null
    if (this.linkOut) this.linkOut.setAttribute('aria-label', t.openLink)
    const label = h('label', { htmlFor: id, className: opts.hideLabel ? 'visually-hidden' : 'field-label' }, t[opts.label])
    this.el = h(
      'div',
      { className: `field field-${kind} ${opts.className ?? ''}`.trim() },
      label,
      this.linkOut ? h('div', { className: 'with-link' }, this.input, this.linkOut) : this.input,
      this.error,
    )
    this.input.addEventListener('input', () => this.write())
    this.input.addEventListener('blur', () => {
      if (this.invalidShown) {
        this.invalidShown = false
        this.showError(null)
        this.update(true)
      }
    })
    this.update(true)
  }

  private stored(): string {
    const v = this.map.get(this.key)
    return v === undefined || v === null ? '' : String(v)
  }

  private write(): void {
    const raw = this.input.value
    let value: unknown = raw
    if (this.opts.input === 'number') value = raw === '' ? undefined : Number(raw)
    if (raw === '' && !this.required) value = undefined
    const p = value === undefined ? null : problem(this.ctx.kind, this.pattern, value)
    if (p) {
      this.invalidShown = true
      this.showError(messageFor(p, this.key))
      return
    }
    this.invalidShown = false
    this.showError(null)
    const current = this.map.get(this.key)
    if (current === value) return
    this.ctx.doc.transact(() => {
      if (value === undefined) this.map.delete(this.key)
      else this.map.set(this.key, value)
    })
    this.updateLink()
  }

  private showError(text: string | null): void {
    this.error.textContent = text ?? ''
    this.input.toggleAttribute('aria-invalid', text !== null)
    this.el.classList.toggle('invalid', text !== null)
  }

  private autosize(): void {
    if (supportsFieldSizing || !(this.input instanceof HTMLTextAreaElement)) return
    this.input.style.height = 'auto'
    this.input.style.height = `${this.input.scrollHeight + 2}px`
  }

  private updateLink(): void {
    if (!this.linkOut) return
    const v = this.stored()
    this.linkOut.hidden = !v
    if (v) this.linkOut.href = v
  }

  update(force = false): void {
    // Someone else's change does not overwrite what this person is still typing
    // but could not store yet.
    if (this.invalidShown && !force) return
    const v = this.stored()
    if (this.input.value !== v) {
      const focused = document.activeElement === this.input
      const start = focused ? this.input.selectionStart : null
      const end = focused ? this.input.selectionEnd : null
      this.input.value = v
      if (focused && start !== null && end !== null && this.input.type !== 'date' && this.input.type !== 'number') {
        try {
          this.input.setSelectionRange(Math.min(start, v.length), Math.min(end, v.length))
        } catch {
          /* input types without a selection */
        }
      }
      this.autosize()
    }
    this.updateLink()
  }

  destroy(): void {}
}

/** A choice from an enum of the schema (status, organisation type). */
export class EnumField implements Comp {
  readonly el: HTMLElement
  private readonly select: HTMLSelectElement

  constructor(
    private readonly ctx: Ctx,
    private readonly map: Y.Map<unknown>,
    private readonly key: string,
    pattern: string,
    enumName: EnumName,
    opts: { label: LabelKey; hideLabel?: boolean },
  ) {
    const id = uniqueId(`f-${key}`)
    const required = isRequired(ctx.kind, pattern)
    this.select = h(
      'select',
      { id },
      required ? null : h('option', { value: '' }, t.none),
      ...enumValues(enumName).map((v) => h('option', { value: v }, enumLabel(enumName, v))),
    )
    this.select.dataset['enum'] = enumName
    this.el = h(
      'div',
      { className: `field field-select field-${key}` },
      h('label', { htmlFor: id, className: opts.hideLabel ? 'visually-hidden' : 'field-label' }, t[opts.label]),
      this.select,
    )
    this.select.addEventListener('change', () => {
      const v = this.select.value
      if (v === '' && required) return
      if (v !== '' && problem(ctx.kind, pattern, v)) return
      this.ctx.doc.transact(() => {
        if (v === '') this.map.delete(this.key)
        else this.map.set(this.key, v)
      })
      this.update()
    })
    this.update()
  }

  update(): void {
    const v = this.map.get(this.key)
    const s = typeof v === 'string' ? v : ''
    if (this.select.value !== s) this.select.value = s
    this.el.dataset['value'] = s
  }

  destroy(): void {}
}

/**
 * The owner of a praktijkkaart action: a partner of the plan (ownerPartnerId)
 * or, when none is named yet, a kind of organisation (ownerOrganisationType).
 */
export class OwnerField implements Comp {
  readonly el: HTMLElement
  private readonly select: HTMLSelectElement
  private signature = ''

  constructor(
    private readonly ctx: Ctx,
    private readonly map: Y.Map<unknown>,
    opts: { hideLabel?: boolean },
  ) {
    const id = uniqueId('f-owner')
    this.select = h('select', { id })
    this.el = h(
      'div',
      { className: 'field field-select field-owner' },
      h('label', { htmlFor: id, className: opts.hideLabel ? 'visually-hidden' : 'field-label' }, t.owner),
      this.select,
    )
    this.select.addEventListener('change', () => {
      const v = this.select.value
      this.ctx.doc.transact(() => {
        if (v.startsWith('p:')) {
          this.map.set('ownerPartnerId', v.slice(2))
          this.map.delete('ownerOrganisationType')
        } else if (v.startsWith('o:')) {
          this.map.set('ownerOrganisationType', v.slice(2))
          this.map.delete('ownerPartnerId')
        } else {
          this.map.delete('ownerPartnerId')
          this.map.delete('ownerOrganisationType')
        }
      })
    })
    this.update()
  }

  private partners(): { id: string; name: string }[] {
    const meta = this.ctx.root.get('meta') as Y.Map<unknown> | undefined
    const list = meta?.get('partners') as Y.Array<Y.Map<unknown>> | undefined
    if (!list || typeof list.toArray !== 'function') return []
    return list.toArray().map((p) => ({ id: String(p.get('id') ?? ''), name: String(p.get('name') ?? '') }))
  }

  update(): void {
    const partners = this.partners()
    const sig = JSON.stringify(partners)
    if (sig !== this.signature) {
      this.signature = sig
      const groups: HTMLElement[] = [h('option', { value: '' }, t.none)]
      if (partners.length) {
        groups.push(h('optgroup', { label: t.ownerPartners }, ...partners.map((p) => h('option', { value: `p:${p.id}` }, p.name))))
      }
      this.select.replaceChildren(
        ...groups,
        h(
          'optgroup',
          { label: t.ownerOrgTypes },
          ...enumValues('organisationType').map((v) => h('option', { value: `o:${v}` }, enumLabel('organisationType', v))),
        ),
      )
    }
    const pid = this.map.get('ownerPartnerId')
    const org = this.map.get('ownerOrganisationType')
    const value = typeof pid === 'string' ? `p:${pid}` : typeof org === 'string' ? `o:${org}` : ''
    if (this.select.value !== value) this.select.value = value
  }

  destroy(): void {}
}

/** A reference to an item of another list by id (a meetup table's theme). */
export class RefField implements Comp {
  readonly el: HTMLElement
  private readonly select: HTMLSelectElement
  private signature = ''

  constructor(
    private readonly ctx: Ctx,
    private readonly map: Y.Map<unknown>,
    private readonly key: string,
    private readonly target: () => Y.Array<Y.Map<unknown>> | undefined,
    private readonly titleKey: string,
    opts: { label: LabelKey },
  ) {
    const id = uniqueId(`f-${key}`)
    this.select = h('select', { id })
    this.el = h(
      'div',
      { className: `field field-select field-${key}` },
      h('label', { htmlFor: id, className: 'field-label' }, t[opts.label]),
      this.select,
    )
    this.select.addEventListener('change', () => {
      const v = this.select.value
      this.ctx.doc.transact(() => {
        if (v === '') this.map.delete(this.key)
        else this.map.set(this.key, v)
      })
    })
    this.update()
  }

  update(): void {
    const list = this.target()
    const items = list && typeof list.toArray === 'function' ? list.toArray() : []
    const options = items.map((m) => ({ id: String(m.get('id') ?? ''), title: String(m.get(this.titleKey) ?? '') }))
    const sig = JSON.stringify(options)
    if (sig !== this.signature) {
      this.signature = sig
      this.select.replaceChildren(h('option', { value: '' }, t.none), ...options.map((o) => h('option', { value: o.id }, o.title)))
    }
    const v = this.map.get(this.key)
    const s = typeof v === 'string' ? v : ''
    if (this.select.value !== s) this.select.value = s
  }

  destroy(): void {}
}
