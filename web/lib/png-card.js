import { h } from './dom.js';

/**
 * Draws a Wrapped card on a canvas and downloads it as a 1080 x 1080 PNG; `period` goes on it,
 * so a shared figure says when.
 */
export function savePng(card, name, period) {
  const lines = [...card.querySelectorAll('[data-line]')].map((el) => el.textContent);
  const title = card.querySelector('h2').textContent;
  const canvas = document.createElement('canvas');
  canvas.width = 1080;
  canvas.height = 1080;
  const g = canvas.getContext('2d');
  const gradient = g.createLinearGradient(0, 0, 1080, 1080);
  gradient.addColorStop(0, '#14532d');
  gradient.addColorStop(1, '#15803d');
  g.fillStyle = gradient;
  g.fillRect(0, 0, 1080, 1080);
  g.fillStyle = '#bbf7d0';
  g.font = '600 44px system-ui, sans-serif';
  g.fillText(title.toUpperCase(), 80, 150);
  g.fillStyle = '#ffffff';
  lines.forEach((line, i) => {
    g.font = i === 0 ? '800 84px system-ui, sans-serif' : '500 46px system-ui, sans-serif';
    g.fillText(
      line.length > 38 ? `${line.slice(0, 37)}…` : line,
      80,
      300 + i * (i === 0 ? 0 : 70) + (i ? 60 : 0),
    );
  });
  g.font = '500 32px system-ui, sans-serif';
  g.fillStyle = '#bbf7d0';
  g.fillText(`wrapped-me · ${period}`, 80, 1000);
  const link = h('a', { href: canvas.toDataURL('image/png'), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}
