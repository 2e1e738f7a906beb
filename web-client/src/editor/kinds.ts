// What each document kind looks like on screen (schemas/README.md "The kinds"):
// which fields of the layout are shown where, with which label. Structure and
// rules come from the layout (layout.ts); this file only arranges them.
import * as Y from 'yjs'
import { h } from '../dom'
import { t } from '../i18n'
import { Group, type Comp, type Ctx, type LabelKey } from './comp'
import { EnumField, OwnerField, RefField, TextField, type TextOpts } from './fields'
import { BlockList, TableList, type BlockSpec, type TableSpec } from './lists'
import { RichField } from './richtext'

type Input = TextOpts['input']

const text = (ctx: Ctx, m: Y.Map<unknown>, p: string, key: string, label: LabelKey, input?: Input, hideLabel = false, className?: string) =>
  new TextField(ctx, m, key, `${p}/${key}`, { label, input, hideLabel, className })

const str = (m: Y.Map<unknown>, key: string) => {
  const v = m.get(key)
  return typeof v === 'string' ? v : ''
}

const arrayAt = (m: Y.Map<unknown> | undefined, key: string) => {
  const v = m?.get(key)
  return v instanceof Y.Array ? (v as Y.Array<Y.Map<unknown>>) : undefined
}

const mapAt = (m: Y.Map<unknown> | undefined, key: string) => {
  const v = m?.get(key)
  return v instanceof Y.Map ? (v as Y.Map<unknown>) : undefined
}

/** A titled block of a list item: header (label, title field, remove button) and body. */
function itemBlock(
  className: string,
  heading: { level: 2 | 3 | 4; label: () => string; title?: Comp },
  remove: HTMLElement,
  body: Comp[],
): Comp {
  const number = h('span', { className: 'item-number' })
  const head = h(`h${heading.level}`, { className: 'item-heading' }, number, heading.title?.el ?? null)
  const el = h('article', { className: `item ${className}` }, h('header', { className: 'item-header' }, head, remove))
  const g = new Group(el, [])
  for (const c of body) g.add(c)
  if (heading.title) g.children.push(heading.title)
  return {
    el,
    update: () => {
      number.textContent = heading.label()
      g.update()
    },
    destroy: () => g.destroy(),
  }
}

function table(ctx: Ctx, parent: Y.Map<unknown>, key: string, pattern: string, spec: TableSpec): TableList {
  return new TableList(ctx, parent, key, `${pattern}/${key}`, spec)
}

function blocks(ctx: Ctx, parent: Y.Map<unknown>, key: string, pattern: string, spec: BlockSpec): BlockList {
  return new BlockList(ctx, parent, key, `${pattern}/${key}`, spec)
}

// --- shared lists ------------------------------------------------------------------

function linkTable(title: LabelKey, add: LabelKey, level: 2 | 3 | 4): TableSpec {
  return {
    title,
    add,
    itemLabel: 'link',
    level,
    defaults: () => ({ title: t.newLink }),
    describe: (m) => str(m, 'title'),
    columns: [{ label: 'title', className: 'col-title' }, { label: 'url', className: 'col-url' }, { label: 'note', className: 'col-note' }],
    cells: (ctx, m, p) => [
      text(ctx, m, p, 'title', 'title', 'text', true),
      text(ctx, m, p, 'url', 'url', 'url', true),
      text(ctx, m, p, 'note', 'note', 'textarea', true),
    ],
  }
}

function agreementTable(level: 2 | 3 | 4): TableSpec {
  return {
    title: 'agreements',
    add: 'addAgreement',
    itemLabel: 'agreement',
    level,
    defaults: () => ({}),
    describe: (m, i) => str(m, 'what') || `${t.agreement} ${i + 1}`,
    columns: [
      { label: 'what', className: 'col-wide' },
      { label: 'who', className: 'col-who' },
      { label: 'dueDate', className: 'col-date' },
      { label: 'status', className: 'col-status' },
    ],
    cells: (ctx, m, p) => [
      text(ctx, m, p, 'what', 'what', 'textarea', true),
      text(ctx, m, p, 'who', 'who', 'text', true),
      text(ctx, m, p, 'dueDate', 'dueDate', 'date', true),
      new EnumField(ctx, m, 'status', `${p}/status`, 'agreementStatus', { label: 'status', hideLabel: true }),
    ],
  }
}

function promptBlocks(title: LabelKey, level: 3 | 4): BlockSpec {
  return {
    title,
    add: 'addQuestion',
    itemLabel: 'question',
    level,
    className: 'prompts',
    defaults: () => ({ prompt: t.newQuestion }),
    describe: (m) => str(m, 'prompt'),
    block: (ctx, m, p, index, remove) =>
      itemBlock('prompt', { level: 4, label: () => `${index() + 1}.`, title: text(ctx, m, p, 'prompt', 'prompt', 'textarea', true) }, remove, []),
  }
}

// --- praktijkkaart -----------------------------------------------------------------

function actionTable(key: 'directActions' | 'longTermActions'): TableSpec {
  return {
    title: key,
    add: 'addAction',
    itemLabel: 'action',
    level: 3,
    defaults: () => ({ description: t.newAction }),
    describe: (m) => str(m, 'description'),
    columns: [
      { label: 'description', className: 'col-wide' },
      { label: 'owner', className: 'col-owner' },
      { label: 'dueDate', className: 'col-date' },
      { label: 'status', className: 'col-status' },
    ],
    cells: (ctx, m, p) => [
      text(ctx, m, p, 'description', 'description', 'textarea', true),
      new OwnerField(ctx, m, { hideLabel: true }),
      text(ctx, m, p, 'dueDate', 'dueDate', 'date', true),
      new EnumField(ctx, m, 'status', `${p}/status`, 'praktijkkaartActionStatus', { label: 'status', hideLabel: true }),
    ],
  }
}

function praktijkkaart(ctx: Ctx, root: Y.Map<unknown>): Comp[] {
  const meta = mapAt(root, 'meta')!
  const partners: TableSpec = {
    title: 'partners',
    add: 'addPartner',
    itemLabel: 'partner',
    level: 2,
    defaults: () => ({ name: t.newPartner }),
    describe: (m) => str(m, 'name'),
    // An action that names this partner as owner would point at nothing.
    onRemove: (_ctx, item) => {
      const id = item.get('id')
      for (const theme of arrayAt(root, 'themes')?.toArray() ?? []) {
        for (const list of ['directActions', 'longTermActions']) {
          for (const a of arrayAt(theme, list)?.toArray() ?? []) if (a.get('ownerPartnerId') === id) a.delete('ownerPartnerId')
        }
      }
    },
    columns: [{ label: 'name', className: 'col-title' }, { label: 'organisationType', className: 'col-org' }, { label: 'contact' }],
    cells: (c, m, p) => [
      text(c, m, p, 'name', 'name', 'text', true),
      new EnumField(c, m, 'organisationType', `${p}/organisationType`, 'organisationType', { label: 'organisationType', hideLabel: true }),
      text(c, m, p, 'contact', 'contact', 'text', true),
    ],
  }
  const questions: BlockSpec = {
    title: 'questions',
    add: 'addQuestion',
    itemLabel: 'question',
    level: 3,
    confirm: true,
    className: 'questions',
    defaults: () => ({ prompt: t.newQuestion }),
    describe: (m) => str(m, 'prompt'),
    block: (c, m, p, index, remove) =>
      itemBlock('question', { level: 4, label: () => `${index() + 1}.`, title: text(c, m, p, 'prompt', 'prompt', 'textarea', true, 'prompt-field') }, remove, [
        new EnumField(c, m, 'status', `${p}/status`, 'praktijkkaartQuestionStatus', { label: 'status' }),
        new RichField(c, m, 'answer', 'answer'),
      ]),
  }
  const themes: BlockSpec = {
    title: 'themes',
    add: 'addTheme',
    itemLabel: 'theme',
    level: 2,
    confirm: true,
    className: 'themes',
    defaults: () => ({ title: t.newTheme }),
    describe: (m) => str(m, 'title'),
    block: (c, m, p, index, remove) =>
      itemBlock('theme', { level: 3, label: () => `${t.theme} ${index() + 1}`, title: text(c, m, p, 'title', 'title', 'text', true, 'heading-field') }, remove, [
        new RichField(c, m, 'context', 'context'),
        blocks(c, m, 'questions', p, questions),
        table(c, m, 'directActions', p, actionTable('directActions')),
        table(c, m, 'longTermActions', p, actionTable('longTermActions')),
        table(c, m, 'links', p, linkTable('links', 'addLink', 3)),
      ]),
  }
  return [
    metaBlock(ctx, meta, '/meta', [
      ['school', 'school'],
      ['gemeente', 'gemeente'],
      ['schoolYear', 'schoolYear'],
    ]),
    table(ctx, meta, 'partners', '/meta', partners),
    section('introduction', new RichField(ctx, root, 'introduction', 'introduction', { hideLabel: true })),
    blocks(ctx, root, 'themes', '', themes),
    table(ctx, root, 'sources', '', linkTable('sources', 'addSource', 2)),
  ]
}

// --- leerkring ---------------------------------------------------------------------

function leerkring(ctx: Ctx, root: Y.Map<unknown>): Comp[] {
  const meta = mapAt(root, 'meta')!
  const members: TableSpec = {
    title: 'members',
    add: 'addMember',
    itemLabel: 'member',
    level: 2,
    defaults: () => ({ name: t.newMember }),
    describe: (m) => str(m, 'name'),
    columns: [{ label: 'name', className: 'col-title' }, { label: 'organisation' }, { label: 'organisationType', className: 'col-org' }, { label: 'role' }],
    cells: (c, m, p) => [
      text(c, m, p, 'name', 'name', 'text', true),
      text(c, m, p, 'organisation', 'organisation', 'text', true),
      new EnumField(c, m, 'organisationType', `${p}/organisationType`, 'organisationType', { label: 'organisationType', hideLabel: true }),
      text(c, m, p, 'role', 'role', 'text', true),
    ],
  }
  const agenda: TableSpec = {
    title: 'agenda',
    add: 'addAgendaItem',
    itemLabel: 'agendaItem',
    level: 3,
    defaults: () => ({ topic: t.newAgendaItem }),
    describe: (m) => str(m, 'topic'),
    columns: [{ label: 'topic', className: 'col-wide' }, { label: 'durationMinutes', className: 'col-number' }, { label: 'lead', className: 'col-who' }],
    cells: (c, m, p) => [
      text(c, m, p, 'topic', 'topic', 'textarea', true),
      text(c, m, p, 'durationMinutes', 'durationMinutes', 'number', true),
      text(c, m, p, 'lead', 'lead', 'text', true),
    ],
  }
  const sessions: BlockSpec = {
    title: 'sessions',
    add: 'addSession',
    itemLabel: 'session',
    level: 2,
    confirm: true,
    className: 'sessions',
    defaults: () => ({ title: t.newSession }),
    describe: (m) => str(m, 'title'),
    block: (c, m, p, index, remove) =>
      itemBlock('session', { level: 3, label: () => `${t.session} ${index() + 1}`, title: text(c, m, p, 'title', 'title', 'text', true, 'heading-field') }, remove, [
        fieldRow([text(c, m, p, 'date', 'date', 'date'), text(c, m, p, 'location', 'location')]),
        table(c, m, 'agenda', p, agenda),
        new RichField(c, m, 'notes', 'notes'),
        table(c, m, 'agreements', p, agreementTable(3)),
      ]),
  }
  return [
    metaBlock(ctx, meta, '/meta', [
      ['theme', 'leerkringTheme'],
      ['facilitator', 'facilitator'],
      ['facilitatorOrganisation', 'facilitatorOrganisation'],
    ]),
    section('purpose', new RichField(ctx, meta, 'purpose', 'purpose', { hideLabel: true })),
    table(ctx, root, 'members', '', members),
    blocks(ctx, root, 'sessions', '', sessions),
    table(ctx, root, 'resources', '', linkTable('resources', 'addResource', 2)),
  ]
}

// --- meetup ------------------------------------------------------------------------

function meetup(ctx: Ctx, root: Y.Map<unknown>): Comp[] {
  const meta = mapAt(root, 'meta')!
  const directions: BlockSpec = {
    title: 'directions',
    add: 'addDirection',
    itemLabel: 'direction',
    level: 3,
    confirm: true,
    className: 'directions',
    defaults: () => ({ title: t.newDirection }),
    describe: (m) => str(m, 'title'),
    block: (c, m, p, index, remove) =>
      itemBlock('direction', { level: 4, label: () => `${index() + 1}.`, title: text(c, m, p, 'title', 'title', 'text', true, 'heading-field small') }, remove, [
        new RichField(c, m, 'description', 'description'),
        blocks(c, m, 'questions', p, promptBlocks('directionQuestions', 4)),
      ]),
  }
  const themes: BlockSpec = {
    title: 'themes',
    add: 'addTheme',
    itemLabel: 'theme',
    level: 2,
    confirm: true,
    className: 'themes',
    defaults: () => ({ title: t.newTheme }),
    describe: (m) => str(m, 'title'),
    // A table working on this theme would point at nothing.
    onRemove: (_ctx, item) => {
      const id = item.get('id')
      for (const tbl of arrayAt(root, 'tables')?.toArray() ?? []) if (tbl.get('themeId') === id) tbl.delete('themeId')
    },
    block: (c, m, p, index, remove) =>
      itemBlock('theme', { level: 3, label: () => `${t.theme} ${index() + 1}`, title: text(c, m, p, 'title', 'title', 'text', true, 'heading-field') }, remove, [
        text(c, m, p, 'centralQuestion', 'centralQuestion', 'textarea'),
        new RichField(c, m, 'context', 'context'),
        blocks(c, m, 'directions', p, directions),
        blocks(c, m, 'questions', p, promptBlocks('themeQuestions', 3)),
      ]),
  }
  const participants: TableSpec = {
    title: 'participants',
    add: 'addParticipant',
    itemLabel: 'participant',
    level: 4,
    defaults: () => ({ name: t.newParticipant }),
    describe: (m) => str(m, 'name'),
    columns: [{ label: 'name', className: 'col-title' }, { label: 'organisation' }, { label: 'organisationType', className: 'col-org' }],
    cells: (c, m, p) => [
      text(c, m, p, 'name', 'name', 'text', true),
      text(c, m, p, 'organisation', 'organisation', 'text', true),
      new EnumField(c, m, 'organisationType', `${p}/organisationType`, 'organisationType', { label: 'organisationType', hideLabel: true }),
    ],
  }
  const tables: BlockSpec = {
    title: 'tables',
    add: 'addTable',
    itemLabel: 'table',
    level: 2,
    confirm: true,
    className: 'tables',
    defaults: () => ({ name: t.newTable }),
    describe: (m) => str(m, 'name'),
    block: (c, m, p, index, remove) =>
      itemBlock('table', { level: 3, label: () => `${t.table} ${index() + 1}`, title: text(c, m, p, 'name', 'name', 'text', true, 'heading-field') }, remove, [
        new RefField(c, m, 'themeId', () => arrayAt(root, 'themes'), 'title', { label: 'tableTheme' }),
        table(c, m, 'participants', p, participants),
        new RichField(c, m, 'notes', 'tableNotes'),
        table(c, m, 'agreements', p, agreementTable(4)),
      ]),
  }
  return [
    metaBlock(ctx, meta, '/meta', [
      ['region', 'region'],
      ['date', 'date', 'date'],
      ['location', 'location'],
      ['organiser', 'organiser'],
    ]),
    section('introduction', new RichField(ctx, root, 'introduction', 'introduction', { hideLabel: true })),
    blocks(ctx, root, 'themes', '', themes),
    blocks(ctx, root, 'tables', '', tables),
    table(ctx, root, 'resources', '', linkTable('resources', 'addResource', 2)),
  ]
}

// --- shared blocks -----------------------------------------------------------------

function fieldRow(children: Comp[]): Comp {
  return new Group(h('div', { className: 'field-row' }), children)
}

function section(label: LabelKey, body: Comp): Comp {
  const el = h('section', { className: `doc-section section-${label}` }, h('h2', null, t[label]))
  return new Group(el, [body])
}

/** The document's meta fields: title as the page heading, status, then the rest in a grid. */
function metaBlock(ctx: Ctx, meta: Y.Map<unknown>, p: string, fields: [string, LabelKey, Input?][]): Comp {
  const title = text(ctx, meta, p, 'title', 'title', 'text', true, 'doc-title-field')
  const status = new EnumField(ctx, meta, 'status', `${p}/status`, 'documentStatus', { label: 'status' })
  const rest = fields.map(([key, label, input]) => text(ctx, meta, p, key, label, input))
  const el = h('section', { className: 'doc-meta' }, h('h1', { className: 'doc-title' }, title.el), h('div', { className: 'meta-grid' }, status.el, ...rest.map((r) => r.el)))
  return new Group(el, [title, status, ...rest])
}

/** The body of a document of `kind`, or null for a kind this client does not know. */
export function buildKind(ctx: Ctx, root: Y.Map<unknown>): Comp[] | null {
  const kind = root.get('kind')
  if (!(mapAt(root, 'meta') instanceof Y.Map)) return null
  if (kind === 'praktijkkaart') return praktijkkaart(ctx, root)
  if (kind === 'leerkring') return leerkring(ctx, root)
  if (kind === 'meetup') return meetup(ctx, root)
  return null
}
