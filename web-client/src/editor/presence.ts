// Who is here: one avatar per connected client (awareness), coloured by the
// organisation type, with name and organisation in a list for screen readers.
import type { Awareness } from 'y-protocols/awareness'
import { h } from '../dom'
import { enumLabel, t } from '../i18n'
import { initials, orgColour } from '../identity'

interface PresenceUser {
  clientId: number
  name: string
  org: string
  orgType: string
  self: boolean
}

export class Presence {
  readonly el: HTMLElement
  private readonly list: HTMLUListElement
  private signature = ''
  private readonly onChange = () => this.render()

  constructor(private readonly awareness: Awareness) {
    this.list = h('ul', { className: 'presence-list' })
    this.el = h('div', { className: 'presence', role: 'group', 'aria-label': t.presence }, this.list)
    awareness.on('change', this.onChange)
    this.render()
  }

  private users(): PresenceUser[] {
    const out: PresenceUser[] = []
    for (const [clientId, state] of this.awareness.getStates()) {
      const u = state?.['user'] as Record<string, unknown> | undefined
      if (!u || typeof u['name'] !== 'string') continue
      out.push({
        clientId,
        name: u['name'] as string,
        org: typeof u['org'] === 'string' ? (u['org'] as string) : '',
        orgType: typeof u['orgType'] === 'string' ? (u['orgType'] as string) : 'other',
        self: clientId === this.awareness.clientID,
      })
    }
    // Myself first, then by name: a stable order, no shuffling while people type.
    return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.clientId - b.clientId)
  }

  private render(): void {
    const users = this.users()
    const sig = JSON.stringify(users)
    if (sig === this.signature) return
    this.signature = sig
    this.list.replaceChildren(
      ...users.map((u) => {
        const orgLabel = u.org || enumLabel('organisationType', u.orgType)
        const full = `${u.name}${u.self ? ` (${t.you})` : ''}, ${orgLabel}`
        const avatar = h('span', { className: 'avatar', 'aria-hidden': 'true' }, initials(u.name))
        avatar.style.backgroundColor = orgColour(u.orgType)
        const li = h('li', { className: `presence-user${u.self ? ' self' : ''}`, title: full }, avatar, h('span', { className: 'visually-hidden' }, full))
        li.dataset['name'] = u.name
        return li
      }),
    )
  }

  destroy(): void {
    this.awareness.off('change', this.onChange)
  }
}
