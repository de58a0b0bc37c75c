/**
 * Proposes a slug from a tenant's name ("Café Ôlà & Co" → "cafe-ola-co"), within what `slugSchema`
 * accepts: lowercase letters and digits in groups joined by single dashes, at most 40 characters.
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
