// Rules a JSON Schema cannot say, that every document must keep (the server too, see
// ../LAYOUT.md "Rules beyond the schema"):
//   1. every `id` is unique within its document;
//   2. references point at an existing item: praktijkkaart actions' ownerPartnerId ->
//      meta.partners[].id, meetup tables' themeId -> themes[].id.

/** @returns {string[]} messages, empty when the document keeps the rules */
export function integrityErrors (kind, json) {
  const errors = []
  const seen = new Map()
  const walk = (node, at) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`))
    if (node === null || typeof node !== 'object') return
    if (node.type === 'doc' && Array.isArray(node.content)) return // rich text: no ids inside
    if (typeof node.id === 'string') {
      if (seen.has(node.id)) errors.push(`${at}/id: id ${JSON.stringify(node.id)} is also used at ${seen.get(node.id)}`)
      else seen.set(node.id, at)
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`)
  }
  walk(json, '')

  const ids = (list) => new Set((list ?? []).map(x => x.id))
  if (kind === 'praktijkkaart') {
    const partners = ids(json.meta?.partners)
    json.themes?.forEach((t, i) => {
      for (const list of ['directActions', 'longTermActions']) {
        t[list]?.forEach((a, j) => {
          if (a.ownerPartnerId !== undefined && !partners.has(a.ownerPartnerId)) {
            errors.push(`/themes/${i}/${list}/${j}/ownerPartnerId: no partner with id ${JSON.stringify(a.ownerPartnerId)}`)
          }
        })
      }
    })
  }
  if (kind === 'meetup') {
    const themes = ids(json.themes)
    json.tables?.forEach((t, i) => {
      if (t.themeId !== undefined && !themes.has(t.themeId)) {
        errors.push(`/tables/${i}/themeId: no theme with id ${JSON.stringify(t.themeId)}`)
      }
    })
  }
  return errors
}
