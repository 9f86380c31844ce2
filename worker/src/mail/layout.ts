/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A tagged template that escapes every interpolated value; wrap trusted markup in `raw()`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => {
    const v = values[i - 1];
    return out + (v instanceof RawHtml ? v.value : escapeHtml(String(v))) + s;
  });
}

class RawHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

/** Marks already-escaped markup (the output of `html`) so it is not escaped again. */
export function raw(value: string): RawHtml {
  return new RawHtml(value);
}

/** The frame every HTML mail shares: a heading, the body, and a plain footer. */
export function layout(title: string, body: string): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 0 auto; color: #222">
<h1 style="font-size: 1.4em">${title}</h1>
${raw(body)}
<p style="color: #777; font-size: 0.8em">Avelon · you get this mail because of your account or order.</p>
</body>
</html>
`;
}
