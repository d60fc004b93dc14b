import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './escape-html.js';

describe('escapeHtml and the html tag', () => {
  it('escapes the five characters that can break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('interpolated values are escaped, raw and nested fragments are not escaped twice', () => {
    const name = '<script>alert(1)</script>';
    const item = html`<li>${name}</li>`;
    expect(String(html`<ul>${[item, item]}</ul>${raw('<hr>')}`)).toBe(
      '<ul><li>&lt;script&gt;alert(1)&lt;/script&gt;</li><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul><hr>',
    );
  });

  it('null, undefined and false render nothing; numbers render as text', () => {
    expect(String(html`${null}${undefined}${false}${0}${42}`)).toBe('042');
  });
});
