// The overview at /: the documents (kind, title, last change) with a search,
// and "Nieuw document" from one of the server's templates.
import { createDoc, listDocs, listTemplates, type DocSummary, type TemplateSummary } from './api'
import { h } from './dom'
import { formatDateTime, kindLabel, t } from './i18n'

export class OverviewView {
  readonly el: HTMLElement
  private docs: DocSummary[] = []
  private readonly tbody: HTMLTableSectionElement
  private readonly listState: HTMLElement
  private readonly count: HTMLElement
  private readonly search: HTMLInputElement
  private readonly table: HTMLTableElement
  private readonly templatesHost: HTMLElement
  private alive = true

  constructor(
    private readonly navigate: (path: string) => void,
    headerControls: HTMLElement[],
  ) {
    this.search = h('input', { id: 'doc-search', type: 'search', placeholder: t.searchPlaceholder, autocomplete: 'off' })
    this.search.addEventListener('input', () => this.renderDocs())
    this.tbody = h('tbody')
    this.table = h(
      'table',
      { className: 'doc-list' },
      h(
        'thead',
        null,
        h('tr', null, h('th', { scope: 'col' }, t.colTitle), h('th', { scope: 'col' }, t.colKind), h('th', { scope: 'col' }, t.colUpdated)),
      ),
      this.tbody,
    )
    this.listState = h('p', { className: 'muted', 'aria-live': 'polite' }, t.loading)
    this.count = h('span', { className: 'muted count' })
    this.templatesHost = h('div', { className: 'templates' }, h('p', { className: 'muted' }, t.loading))
    this.el = h(
      'div',
      { className: 'screen overview-screen' },
      h('header', { className: 'topbar' }, h('div', { className: 'topbar-start' }, h('span', { className: 'brand' }, t.appName)), h('div', { className: 'topbar-end' }, ...headerControls)),
      h(
        'main',
        { id: 'main', tabIndex: -1, className: 'overview-main' },
        h(
          'section',
          { className: 'panel docs-panel', 'aria-labelledby': 'docs-title' },
          h('div', { className: 'panel-head' }, h('h1', { id: 'docs-title' }, t.documents), this.count),
          h('div', { className: 'search' }, h('label', { htmlFor: 'doc-search', className: 'field-label' }, t.search), this.search),
          this.listState,
          h('div', { className: 'table-wrap' }, this.table),
        ),
        h(
          'section',
          { className: 'panel new-panel', 'aria-labelledby': 'new-title' },
          h('h2', { id: 'new-title' }, t.newDocument),
          h('p', { className: 'muted' }, t.newDocumentIntro),
          this.templatesHost,
        ),
      ),
    )
    this.table.hidden = true
    void this.load()
  }

  private async load(): Promise<void> {
    const [docs, templates] = await Promise.allSettled([listDocs(), listTemplates()])
    if (!this.alive) return
    if (docs.status === 'fulfilled') {
      this.docs = docs.value
      this.renderDocs()
    } else {
      this.listState.textContent = `${t.loadFailed}: ${String(docs.reason?.message ?? docs.reason)}`
    }
    if (templates.status === 'fulfilled') this.renderTemplates(templates.value)
    else this.templatesHost.replaceChildren(h('p', { className: 'notice' }, `${t.templatesUnavailable}: ${String(templates.reason?.message ?? templates.reason)}`))
  }

  private renderDocs(): void {
    const q = this.search.value.trim().toLocaleLowerCase()
    const shown = this.docs.filter((d) => {
      if (!q) return true
      return [d.title, d.id, kindLabel(d.kind), d.kind].some((s) => s.toLocaleLowerCase().includes(q))
    })
    this.count.textContent = t.documentCount(this.docs.length)
    this.tbody.replaceChildren(
      ...shown.map((d) =>
        h(
          'tr',
          { 'data-id': d.id },
          h(
            'td',
            null,
            h('a', { href: `/d/${encodeURIComponent(d.id)}`, 'data-link': '' }, d.title || d.id),
            d.title ? null : h('span', { className: 'muted untitled' }, ` ${t.untitled}`),
          ),
          h('td', null, d.kind ? h('span', { className: `kind kind-${d.kind}` }, kindLabel(d.kind)) : h('span', { className: 'muted' }, '–')),
          h('td', null, h('time', { dateTime: new Date(d.updated_at).toISOString() }, formatDateTime(d.updated_at))),
        ),
      ),
    )
    this.table.hidden = shown.length === 0
    this.listState.hidden = shown.length > 0
    this.listState.textContent = this.docs.length === 0 ? t.noDocuments : t.noMatches
  }

  private renderTemplates(templates: TemplateSummary[]): void {
    const titleInput = h('input', { id: 'new-doc-title', type: 'text', required: true, maxLength: 300, autocomplete: 'off' })
    const error = h('p', { className: 'field-error', 'aria-live': 'assertive' })
    const submit = h('button', { type: 'submit', className: 'button primary' }, t.create)
    let chosen = templates[0]
    const radios = templates.map((tpl, i) => {
      const id = `tpl-${tpl.id}`
      const input = h('input', { type: 'radio', name: 'template', id, value: tpl.id, checked: i === 0 })
      input.addEventListener('change', () => {
        const previous = chosen
        chosen = tpl
        // Follow the template's title until the person typed their own.
        if (!titleInput.value || titleInput.value === previous?.title) titleInput.value = tpl.title
      })
      return h(
        'div',
        { className: 'template-option' },
        input,
        h(
          'label',
          { htmlFor: id },
          h('span', { className: `kind kind-${tpl.kind}` }, kindLabel(tpl.kind)),
          h('strong', { className: 'template-title' }, tpl.title),
          h('span', { className: 'template-desc' }, tpl.description),
        ),
      )
    })
    titleInput.value = chosen?.title ?? ''
    const form = h(
      'form',
      { className: 'new-doc-form' },
      h('fieldset', null, h('legend', { className: 'field-label' }, t.template), ...radios),
      h('label', { htmlFor: 'new-doc-title', className: 'field-label' }, t.newTitle),
      titleInput,
      error,
      h('div', { className: 'form-actions' }, submit),
    )
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const title = titleInput.value.trim()
      if (!chosen || !title) {
        titleInput.focus()
        error.textContent = t.invalidRequired
        return
      }
      submit.disabled = true
      submit.textContent = t.creating
      error.textContent = ''
      try {
        const created = await createDoc(chosen.kind, chosen.id, title)
        this.navigate(`/d/${encodeURIComponent(created.id)}`)
      } catch (err) {
        error.textContent = `${t.createFailed}: ${String((err as Error).message ?? err)}`
        submit.disabled = false
        submit.textContent = t.create
      }
    })
    this.templatesHost.replaceChildren(templates.length ? form : h('p', { className: 'muted' }, t.templatesUnavailable))
  }

  destroy(): void {
    this.alive = false
  }
}
