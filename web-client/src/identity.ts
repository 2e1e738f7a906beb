// Who is typing: until access control exists, a person picks a name and an
// organisation on the first visit. Kept in localStorage, shown in presence,
// sent to the server as the connection's `name` / `org` query parameters.
import type { OrganisationType } from '../../schemas/generated/types'
import { enumLabel, enumValues, t } from './i18n'
import { h } from './dom'

export interface Identity {
  name: string
  orgType: OrganisationType
  /** Free text, e.g. "Basisschool De Linde"; may be empty. */
  orgName: string
}

const KEY = 'samenplan.identity'
const MAX = 120

/** One colour per organisation type (6-digit hex: y-prosemirror's carets need that). */
const ORG_COLOURS: Record<OrganisationType, string> = {
  school: '#1d4ed8',
  'kinderopvang-vve': '#c2410c',
  'jgz-ggd': '#15803d',
  gemeente: '#7e22ce',
  wijkteam: '#be123c',
  jongerenwerk: '#0f766e',
  ouders: '#a16207',
  samenwerkingsverband: '#db2777',
  other: '#475569',
}

export function orgColour(orgType: string | undefined): string {
  return ORG_COLOURS[orgType as OrganisationType] ?? ORG_COLOURS.other
}

function isOrgType(v: unknown): v is OrganisationType {
  return typeof v === 'string' && enumValues('organisationType').includes(v)
}

export function loadIdentity(): Identity | null {
  try {
    const raw = localStorage.getItem(KEY)
    if (!raw) return null
    const v = JSON.parse(raw)
    if (typeof v?.name !== 'string' || !v.name.trim() || !isOrgType(v.orgType)) return null
    return { name: v.name.slice(0, MAX), orgType: v.orgType, orgName: typeof v.orgName === 'string' ? v.orgName.slice(0, MAX) : '' }
  } catch {
    return null
  }
}

export function saveIdentity(id: Identity): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(id))
  } catch {
    /* private mode: identity lasts for this page only */
  }
}

/** What the server stores as `org`: the organisation's name, else its kind. */
export function orgText(id: Identity): string {
  return id.orgName.trim() || enumLabel('organisationType', id.orgType)
}

/** The awareness `user` field (read by presence and by the carets). */
export function awarenessUser(id: Identity) {
  return { name: id.name, color: orgColour(id.orgType), orgType: id.orgType, org: orgText(id) }
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) return '?'
  const first = parts[0]![0] ?? ''
  const last = parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : ''
  return (first + last).toUpperCase()
}

/**
 * Shows the identity form as a modal dialog. Resolves with the saved identity,
 * or with null when the person cancels (only possible when `current` exists).
 */
export function askIdentity(current: Identity | null): Promise<Identity | null> {
  return new Promise((resolve) => {
    const nameInput = h('input', {
      id: 'identity-name',
      type: 'text',
      required: true,
      maxLength: MAX,
      autocomplete: 'name',
      value: current?.name ?? '',
    })
    const orgSelect = h(
      'select',
      { id: 'identity-org-type', required: true },
      h('option', { value: '' }, t.choose),
      ...enumValues('organisationType').map((v) =>
        h('option', { value: v, selected: current?.orgType === v }, enumLabel('organisationType', v)),
      ),
    )
    const orgName = h('input', {
      id: 'identity-org-name',
      type: 'text',
      maxLength: MAX,
      autocomplete: 'organization',
      placeholder: t.yourOrgNamePlaceholder,
      value: current?.orgName ?? '',
    })
    const cancel = current ? h('button', { type: 'button', className: 'button secondary' }, t.cancel) : null
    const form = h(
      'form',
      { method: 'dialog', className: 'identity-form' },
      h('h2', { id: 'identity-title' }, t.whoAreYou),
      h('p', { className: 'muted' }, t.whoAreYouIntro),
      h('label', { htmlFor: 'identity-name' }, t.yourName),
      nameInput,
      h('label', { htmlFor: 'identity-org-type' }, t.yourOrgType),
      orgSelect,
      h('label', { htmlFor: 'identity-org-name' }, t.yourOrgName),
      orgName,
      h('div', { className: 'form-actions' }, cancel, h('button', { type: 'submit', className: 'button primary' }, t.save)),
    )
    const dialog = h('dialog', { className: 'identity-dialog', 'aria-labelledby': 'identity-title' }, form)
    const finish = (result: Identity | null) => {
      dialog.close()
      dialog.remove()
      resolve(result)
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const name = nameInput.value.trim()
      const orgType = orgSelect.value
      if (!name || !isOrgType(orgType)) {
        form.reportValidity()
        return
      }
      const id: Identity = { name, orgType, orgName: orgName.value.trim() }
      saveIdentity(id)
      finish(id)
    })
    cancel?.addEventListener('click', () => finish(null))
    dialog.addEventListener('cancel', (ev) => {
      // Escape: only closes when there already is an identity to fall back on.
      if (!current) ev.preventDefault()
      else {
        ev.preventDefault()
        finish(null)
      }
    })
    document.body.append(dialog)
    dialog.showModal()
    nameInput.focus()
  })
}
