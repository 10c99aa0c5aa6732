// A tiny DOM builder: h('button', {class: 'x', onclick: fn, 'aria-label': 'Cancel'}, 'text').
// Attributes are set as attributes, except `on*` (listeners), `class`, and the DOM properties
// `value`, `checked`, `disabled`, `selected` (so that form state is set, not only its default).
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

const properties = new Set(['value', 'checked', 'disabled', 'selected', 'hidden']);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value as EventListener);
      } else if (key === 'class') {
        el.className = String(value);
      } else if (properties.has(key)) {
        (el as unknown as Record<string, unknown>)[key] = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = '';
  append(parent, children);
}

let nextId = 0;
// A document-unique id for label/aria wiring.
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled form control: <div class="field"><label for=id>text</label>control<p error></div>.
// The error paragraph is the control's aria-describedby target; setFieldError fills it.
export function field(labelText: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLDivElement {
  const id = control.id || uid('f');
  control.id = id;
  const errorId = `${id}-error`;
  control.setAttribute('aria-describedby', errorId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, labelText, hint ? h('span', { class: 'hint' }, hint) : null),
    control,
    h('p', { class: 'field-error', id: errorId, role: 'alert' }),
  );
}

export function setFieldError(control: HTMLElement, message: string): void {
  const errorId = control.getAttribute('aria-describedby');
  const target = errorId ? document.getElementById(errorId) : null;
  if (target) target.textContent = message;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}
