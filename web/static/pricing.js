// Progressive enhancement of the pricing page: the Monthly/Annual links work without this
// file (each is a full page); with it, the switch swaps the page's main content in place and
// keeps the address bar, focus and scroll position where the member expects them.
(() => {
  const main = document.getElementById('main');
  if (!main || !window.fetch || !window.DOMParser) return;

  async function show(url, push) {
    const response = await fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(`pricing page answered ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const next = page.getElementById('main');
    if (!next) throw new Error('no main element in the pricing page');
    main.replaceChildren(...Array.from(next.childNodes).map((node) => document.importNode(node, true)));
    if (push) history.pushState({ pricing: true }, '', url);
    const current = main.querySelector('.interval-toggle a[aria-current="true"]');
    if (current) current.focus();
  }

  main.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('.interval-toggle a') : null;
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    show(link.href, true).catch(() => {
      window.location.href = link.href;
    });
  });

  window.addEventListener('popstate', () => {
    show(window.location.href, false).catch(() => window.location.reload());
  });
})();
