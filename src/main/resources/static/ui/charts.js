// Switchboard analytics: draws the charts from each canvas's data-values (JSON written by the
// server), and again after htmx swaps the section in. Loaded as a file: no inline script (CSP).
(function () {
  'use strict';
  var charts = [];
  var palette = ['#1d4ed8', '#059669', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d'];

  function draw(root) {
    if (typeof Chart === 'undefined') return;
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var rtl = document.documentElement.dir === 'rtl';
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var v = JSON.parse(canvas.getAttribute('data-values'));
      var kind = canvas.getAttribute('data-chart');
      var config;
      if (kind === 'volume') {
        config = { type: 'line', data: { labels: v.labels, datasets: [
          { label: canvas.getAttribute('data-label-events'), data: v.events, borderColor: palette[0], backgroundColor: palette[0], tension: 0.2 },
          { label: canvas.getAttribute('data-label-messages'), data: v.messages, borderColor: palette[1], backgroundColor: palette[1], tension: 0.2 }
        ] } };
      } else if (kind === 'latency') {
        config = { type: 'bar', data: { labels: v.labels, datasets: [
          { label: canvas.getAttribute('data-label-p95'), data: v.p95, backgroundColor: palette[2] }
        ] } };
      } else {
        config = { type: 'doughnut', data: { labels: v.labels, datasets: [
          { data: v.events, backgroundColor: v.labels.map(function (_, i) { return palette[i % palette.length]; }) }
        ] } };
      }
      config.options = { responsive: true, maintainAspectRatio: false, animation: false,
        locale: document.documentElement.lang, plugins: { legend: { rtl: rtl } } };
      if (kind !== 'providers') config.options.scales = { x: { reverse: rtl }, y: { beginAtZero: true } };
      charts.push(new Chart(canvas, config));
    });
  }
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:afterSwap', function () { draw(document); });
})();
