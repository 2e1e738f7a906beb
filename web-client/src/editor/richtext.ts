// A rich-text field: a Tiptap editor bound to the field's own Y.XmlFragment
// (LAYOUT.md 3) with live carets of the others. The editor lives as long as
// the fragment does; only a replaced fragment (rare) makes a new one.
import * as Y from 'yjs'
import { Editor } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { h, uniqueId } from '../dom'
import { t } from '../i18n'
import type { Comp, Ctx, LabelKey } from './comp'

interface ToolButton {
  label: string
  text: string
  run: (e: Editor) => void
  active?: (e: Editor) => boolean
}

function buttons(): ToolButton[] {
  return [
    { label: t.bold, text: 'B', run: (e) => e.chain().focus().toggleBold().run(), active: (e) => e.isActive('bold') },
    { label: t.italic, text: 'I', run: (e) => e.chain().focus().toggleItalic().run(), active: (e) => e.isActive('italic') },
    {
      label: t.heading,
      text: 'H',
      run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run(),
      active: (e) => e.isActive('heading'),
    },
    { label: t.bulletList, text: '•', run: (e) => e.chain().focus().toggleBulletList().run(), active: (e) => e.isActive('bulletList') },
    { label: t.orderedList, text: '1.', run: (e) => e.chain().focus().toggleOrderedList().run(), active: (e) => e.isActive('orderedList') },
    { label: t.undo, text: '↶', run: (e) => e.chain().focus().undo().run() },
    { label: t.redo, text: '↷', run: (e) => e.chain().focus().redo().run() },
  ]
}

/** The caret of another person: a coloured bar with their name. */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user['color'] === 'string' ? (user['color'] as string) : '#475569'
  const name = typeof user['name'] === 'string' ? (user['name'] as string) : '?'
  const caret = h('span', { className: 'collaboration-carets__caret' })
  caret.style.borderColor = color
  const label = h('span', { className: 'collaboration-carets__label' }, name)
  label.style.backgroundColor = color
  caret.append(label)
  caret.setAttribute('aria-hidden', 'true')
  return caret
}

export class RichField implements Comp {
  readonly el: HTMLElement
  private readonly mount: HTMLElement
  private readonly toolbar: HTMLElement
  private readonly labelId: string
  private readonly exit: HTMLElement
  private editor: Editor | null = null
  private fragment: Y.XmlFragment | null = null
  private toolButtons: { b: ToolButton; el: HTMLButtonElement }[] = []

  constructor(
    private readonly ctx: Ctx,
    private readonly map: Y.Map<unknown>,
    private readonly key: string,
    label: LabelKey,
    opts: { hideLabel?: boolean } = {},
  ) {
    this.labelId = uniqueId(`rt-${key}`)
    this.mount = h('div', { className: 'rich-mount' })
    this.toolbar = h('div', { className: 'toolbar', role: 'toolbar', 'aria-label': t.toolbar(t[label]) })
    // Escape leaves the editor (Tab inside lists indents): focus lands here, so
    // that the next Tab goes on to whatever follows the editor.
    this.exit = h('span', { className: 'rich-exit', tabIndex: -1 })
    this.el = h(
      'div',
      { className: `field field-rich field-${key}`, 'data-field': key },
      h('div', { id: this.labelId, className: opts.hideLabel ? 'visually-hidden' : 'field-label' }, t[label]),
      h('div', { className: 'rich-frame' }, this.toolbar, this.mount),
      this.exit,
    )
    this.mount.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault()
        this.exit.focus()
      }
    })
    this.buildToolbar()
    this.update()
  }

  private buildToolbar(): void {
    this.toolButtons = buttons().map((b, i) => {
      const el = h('button', { type: 'button', className: 'tool', tabIndex: i === 0 ? 0 : -1, title: b.label }, b.text)
      el.setAttribute('aria-label', b.label)
      if (b.active) el.setAttribute('aria-pressed', 'false')
      el.addEventListener('mousedown', (ev) => ev.preventDefault()) // keep the editor's selection
      el.addEventListener('click', () => {
        if (this.editor) b.run(this.editor)
      })
      return { b, el }
    })
    // One tab stop per toolbar; arrow keys move inside it (WAI-ARIA toolbar pattern).
    this.toolbar.addEventListener('keydown', (ev) => {
      const idx = this.toolButtons.findIndex((x) => x.el === document.activeElement)
      if (idx < 0) return
      let next = idx
      if (ev.key === 'ArrowRight') next = (idx + 1) % this.toolButtons.length
      else if (ev.key === 'ArrowLeft') next = (idx - 1 + this.toolButtons.length) % this.toolButtons.length
      else if (ev.key === 'Home') next = 0
      else if (ev.key === 'End') next = this.toolButtons.length - 1
      else return
      ev.preventDefault()
      this.toolButtons[idx]!.el.tabIndex = -1
      this.toolButtons[next]!.el.tabIndex = 0
      this.toolButtons[next]!.el.focus()
    })
    this.toolbar.append(...this.toolButtons.map((x) => x.el))
  }

  private refreshToolbar(): void {
    const e = this.editor
    if (!e) return
    for (const { b, el } of this.toolButtons) {
      if (b.active) el.setAttribute('aria-pressed', String(b.active(e)))
    }
  }

  update(): void {
    const value = this.map.get(this.key)
    const fragment = value instanceof Y.XmlFragment ? value : null
    if (fragment === this.fragment) return
    this.editor?.destroy()
    this.editor = null
    this.fragment = fragment
    this.mount.replaceChildren()
    if (!fragment) return
    const editor = new Editor({
      element: this.mount,
      extensions: [
        StarterKit.configure({
          // Collaboration brings its own (per-fragment) undo; a trailing-node
          // plugin would make every client append paragraphs on its own.
          undoRedo: false,
          trailingNode: false,
          link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
          heading: { levels: [2, 3, 4] },
        }),
        Collaboration.configure({ fragment }),
        CollaborationCaret.configure({ provider: this.ctx.session.provider, user: this.ctx.user, render: renderCaret }),
      ],
      editorProps: {
        attributes: {
          class: 'rich-text',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-labelledby': this.labelId,
          spellcheck: 'true',
        },
      },
    })
    editor.on('selectionUpdate', () => this.refreshToolbar())
    editor.on('transaction', () => this.refreshToolbar())
    this.editor = editor
  }

  /** For tests and the bench: the Tiptap editor of this field. */
  get tiptap(): Editor | null {
    return this.editor
  }

  destroy(): void {
    this.editor?.destroy()
    this.editor = null
    this.fragment = null
  }
}
