// Switchboard dashboard: loaded as a file (the Content-Security-Policy allows no inline script).
(function () {
  'use strict';

  // htmx requests carry the CSRF token in a header, from the page's <meta> tags.
  document.addEventListener('htmx:configRequest', function (event) {
    var header = document.querySelector('meta[name="csrf-header"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (header && token) event.detail.headers[header.content] = token.content;
  });

  // A region that refreshes itself on a timer (hx-trigger="every ...") skips a refresh while the user
  // is inside it: a focused control or an open confirmation (<details open>) would be swapped away
  // under the click. The next tick refreshes it once the user has left.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.getAttribute || (elt.getAttribute('hx-trigger') || '').indexOf('every') < 0) return;
    var active = document.activeElement;
    if ((active && active !== document.body && elt.contains(active)) || elt.querySelector('details[open]')) {
      event.preventDefault();
    }
  });

  // Times are sent as ISO-8601 UTC; show them in the browser's own locale and time zone.
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  function localTimes(root) {
    root.querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) t.textContent = format.format(d);
    });
  }
  document.addEventListener('DOMContentLoaded', function () { localTimes(document); });
  document.addEventListener('htmx:afterSwap', function (event) { localTimes(event.target); });

  // A search box with data-filter narrows a list as one types (the form still works without script).
  document.addEventListener('input', function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[data-filter]')) return;
    var needle = input.value.trim().toLowerCase();
    document.querySelectorAll(input.getAttribute('data-filter')).forEach(function (item) {
      item.hidden = needle !== '' && (item.getAttribute('data-search') || '').indexOf(needle) < 0;
    });
    document.querySelectorAll('.provider-group').forEach(function (group) {
      group.hidden = group.querySelector('.provider:not([hidden])') === null;
    });
  });
})();
