// Small DOM helpers: build elements declaratively, without a framework.

// The schemes a link of ours may have; anything else (javascript:, data:, …) is refused.
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** `url` if the dashboard may link to it (a page of ours, http(s) or mailto); throws a
 * TypeError otherwise, so that no data can turn into a script link. */
export function checkedLink(url) {
  const text = String(url);
  const { protocol } = new URL(text, location.href);
  if (!LINK_SCHEMES.has(protocol)) throw new TypeError('link refused: not http(s) or mailto');
  return text;
}

/** A mailto: link (RFC 6068): the address encoded, so that it can add no header or
 * recipient; the body's line breaks as CRLF, as the API's mailtoUrl has them. */
export function mailtoLink(address, { subject, body } = {}) {
  const to = encodeURIComponent(address ?? '').replace(/%40/g, '@');
  const fields = [];
  if (subject !== undefined) fields.push(`subject=${encodeURIComponent(subject)}`);
  if (body !== undefined) fields.push(`body=${encodeURIComponent(body.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n'))}`);
  return `mailto:${to}${fields.length ? `?${fields.join('&')}` : ''}`;
}

/**
 * h('button', {class: 'primary', onclick: fn, 'aria-label': '…'}, 'text', child, [more])
 * Props: `class`, `text`, `html` is deliberately not supported (no innerHTML anywhere),
 * `on<event>` listeners (functions only: a string would be code), `href` through
 * checkedLink, `dataset`, booleans for boolean attributes, anything else as an
 * attribute. `null`/`undefined`/`false` props and children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (/^on/i.test(name)) {
      if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'href') element.setAttribute('href', checkedLink(value));
    else if (name === 'value' && 'value' in element) element.value = value;
    else if (name === 'checked' || name === 'selected' || name === 'disabled') element[name] = Boolean(value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/**
 * A domain or an email address that may wrap after a dot or before the @ (never inside
 * a word): a table of long addresses then fits a laptop's width.
 */
export function breakable(text) {
  return String(text)
    .split(/(?<=\.)|(?=@)/)
    .flatMap((part, index) => (index ? [h('wbr'), part] : [part]));
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * Runs `redraw` (which rebuilds `container`, e.g. in another language) and gives the
 * rebuilt form controls what the user had typed, ticked or chosen: controls are matched
 * by name (or id) and their order among controls of that name. A control given back
 * another value fires `input` or `change`, so that what depends on it follows.
 */
export function preserveInputs(container, redraw) {
  const keyed = () => {
    const seen = new Map();
    return [...container.querySelectorAll('input, textarea, select')].map((control) => {
      const name = control.name || control.id;
      const index = seen.get(name) ?? 0;
      seen.set(name, index + 1);
      return [`${control.type}:${name}:${index}`, control];
    });
  };
  const typed = new Map(
    keyed()
      .filter(([, control]) => control.type !== 'file' && (control.name || control.id))
      .map(([key, control]) => [key, { value: control.value, checked: control.checked }]),
  );
  redraw();
  for (const [key, control] of keyed()) {
    const was = typed.get(key);
    if (!was) continue;
    const ticks = control.type === 'checkbox' || control.type === 'radio';
    if (ticks ? control.checked === was.checked : control.value === was.value) continue;
    if (ticks) control.checked = was.checked;
    else control.value = was.value;
    // As if the user had done it: the view updates what depends on the control.
    control.dispatchEvent(new Event(ticks || control.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  }
}

let counter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'pc') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled form field: returns {field, input, error} with aria wiring done. */
export function field({ label, input, hint, required = false }) {
  const id = input.id || uid('field');
  input.id = id;
  const hintElement = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const describedBy = [hintElement && hintElement.id, error.id].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  if (required) input.required = true;
  // An error goes away as soon as the field is changed.
  const clear = () => {
    if (!error.hidden) setFieldError({ input, error }, null);
  };
  input.addEventListener('input', clear);
  input.addEventListener('change', clear);
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    hintElement,
    input,
    error,
  );
  return { field: wrapper, input, error };
}

export function setFieldError(entry, message) {
  if (!entry) return;
  entry.error.textContent = message ?? '';
  entry.error.hidden = !message;
  if (message) entry.input.setAttribute('aria-invalid', 'true');
  else entry.input.removeAttribute('aria-invalid');
}

/** Debounce for typing in search boxes (UI only; tests wait on the results); a call
 * still waiting when `signal` aborts (the page is left or redrawn) is dropped. */
export function debounce(fn, ms, { signal } = {}) {
  let timer = null;
  signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return (...args) => {
    clearTimeout(timer);
    if (!signal?.aborted) timer = setTimeout(() => fn(...args), ms);
  };
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the legacy path (e.g. permission denied)
    }
  }
  const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
