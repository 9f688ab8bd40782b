// The web UI's entry: page layout, navigation, routes (the same paths as Prometheus's UI) and the theme switch.

import './style.css';
import { h, replaceChildren } from './dom.js';
import type { Page } from './pages/page.js';
import { queryPage } from './pages/query-page.js';
import { serviceDiscoveryPage } from './pages/service-discovery-page.js';
import { configPage, flagsPage, statusPage, tsdbStatusPage } from './pages/status-pages.js';
import { targetsPage } from './pages/targets-page.js';
import { initTheme } from './theme.js';

const ROUTES: Record<string, () => Page> = {
  '/graph': queryPage,
  '/query': queryPage,
  '/targets': targetsPage,
  '/service-discovery': serviceDiscoveryPage,
  '/status': statusPage,
  '/flags': flagsPage,
  '/config': configPage,
  '/tsdb-status': tsdbStatusPage,
};

const NAV: [string, string][] = [
  ['/query', 'Query'],
  ['/targets', 'Targets'],
  ['/service-discovery', 'Service discovery'],
  ['/status', 'Status'],
  ['/tsdb-status', 'TSDB'],
  ['/flags', 'Flags'],
  ['/config', 'Configuration'],
];

const main = h('main', { id: 'content' });
let current: Page | null = null;
/** Path and query string of the page on screen. */
let rendered = '';

function render(): void {
  let path = window.location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    window.history.replaceState(null, '', '/query');
    path = '/query';
  }
  current?.destroy?.();
  const make = ROUTES[path];
  current = make ? make() : { root: h('div', { class: 'page' }, h('h1', null, 'Not found'), h('p', null, `There is no page at ${path}.`)), title: 'Not found' };
  replaceChildren(main, current.root);
  rendered = window.location.pathname + window.location.search;
  document.title = `${current.title} · Vigil`;
  for (const a of nav.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    const active = href === path || (href === '/query' && path === '/graph');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** Follows same-origin links to UI routes without reloading the page. */
function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest('a');
  if (!a || a.target !== '' || a.origin !== window.location.origin || ROUTES[a.pathname] === undefined) return;
  // An anchor on this page (#pool-...) is the browser's to follow.
  if (a.hash !== '' && a.pathname + a.search === window.location.pathname + window.location.search) return;
  e.preventDefault();
  if (a.pathname + a.search !== window.location.pathname + window.location.search) window.history.pushState(null, '', a.pathname + a.search);
  render();
}

const theme = initTheme(() => {
  // Charts read their colours when drawn: redraw the page in the new theme.
  if (current && (window.location.pathname === '/graph' || window.location.pathname === '/query')) render();
});
const themeButton = h('button', { type: 'button', class: 'theme-toggle', title: 'Switch light/dark theme', 'aria-label': 'Switch light/dark theme' }, theme.current() === 'dark' ? '☀' : '☾');
themeButton.addEventListener('click', () => {
  theme.toggle();
  themeButton.textContent = theme.current() === 'dark' ? '☀' : '☾';
});

const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' }, ...NAV.map(([href, label]) => h('a', { href }, label)));
const header = h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '/query' }, 'Vigil'), nav, themeButton);

const app = document.getElementById('app') ?? document.body;
replaceChildren(app, header, main);
document.addEventListener('click', onLinkClick);
// Going back or forward re-draws the page, unless only the #anchor changed.
window.addEventListener('popstate', () => {
  if (window.location.pathname + window.location.search !== rendered) render();
});
render();
