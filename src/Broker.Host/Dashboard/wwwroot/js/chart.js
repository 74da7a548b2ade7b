// A line chart on a canvas, ours rather than a vendored library: the overview needs a few series over a sliding window
// and nothing else, and the whole of it is the hundred lines below. Each series' latest value and the highest value in
// the window are written as text and as data-latest / data-peak on its legend entry, for people who cannot see the
// canvas and for the tests.
import { h, formatNumber } from './dom.js';

export class LineChart {
  // series: [{ key, label, color }]; capacity: points kept; unit: shown after the values.
  // minStep: the smallest grid step (1 for a count, which has no fractions).
  constructor({ id, title, series, capacity = 90, unit = '', digits = 0, minStep = 0 }) {
    this.minStep = minStep;
    this.series = series.map((s) => ({ ...s, values: [] }));
    this.times = [];
    this.capacity = capacity;
    this.unit = unit;
    this.digits = digits;
    this.canvas = h('canvas', { role: 'img', 'aria-label': title });
    this.legend = h('ul', { class: 'legend' }, this.series.map((s) => {
      s.swatch = h('span', { class: 'swatch' });
      s.swatch.style.background = s.color;
      s.value = h('span', { class: 'legend-value', 'data-testid': `${id}-${s.key}`, 'data-latest': '', 'data-peak': '' }, '—');
      return h('li', {}, s.swatch, h('span', {}, s.label), s.value);
    }));
    this.element = h('figure', { class: 'chart', 'data-testid': id },
      h('figcaption', {}, h('span', { class: 'chart-title' }, title), this.legend),
      h('div', { class: 'canvas-box' }, this.canvas));
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(this.canvas.parentElement);
  }

  push(time, values) {
    this.times.push(time);
    for (const s of this.series) s.values.push(Number(values[s.key] ?? 0));
    if (this.times.length > this.capacity) {
      this.times.shift();
      for (const s of this.series) s.values.shift();
    }
    for (const s of this.series) {
      const latest = s.values.at(-1);
      const peak = Math.max(...s.values);
      s.value.dataset.latest = String(latest);
      s.value.dataset.peak = String(peak);
      s.value.textContent = `${formatNumber(latest, this.digits)}${this.unit}`;
      s.value.title = `highest shown: ${formatNumber(peak, this.digits)}${this.unit}`;
    }
    this.samples = (this.samples ?? 0) + 1;
    this.element.dataset.points = String(this.times.length);
    this.element.dataset.samples = String(this.samples);
    this.draw();
  }

  dispose() {
    this.resize.disconnect();
  }

  draw() {
    const box = this.canvas.parentElement;
    const width = box.clientWidth;
    const height = box.clientHeight;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const styles = getComputedStyle(this.element);
    const ink = styles.getPropertyValue('--chart-ink').trim() || '#555';
    const grid = styles.getPropertyValue('--chart-grid').trim() || '#ddd';
    const left = 48;
    const right = 8;
    const top = 8;
    const bottom = 22;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    // Four grid steps of a round size: 0, 10, 20, 30, 40 rather than 0, 12.5, 25, ...
    const step = Math.max(this.minStep, niceCeiling(Math.max(0, ...this.series.flatMap((s) => s.values)) / 4));
    const max = 4 * step;
    const stepDigits = step >= 1 ? 0 : step >= 0.5 ? 1 : 2;

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = ink;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = top + plotHeight - (plotHeight * i) / 4;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(width - right, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(formatNumber(step * i, stepDigits), left - 6, y);
    }

    const count = this.times.length;
    if (count === 0) return;
    g.textBaseline = 'top';
    g.textAlign = 'left';
    g.fillText(new Date(this.times[0]).toLocaleTimeString(), left, top + plotHeight + 6);
    g.textAlign = 'right';
    g.fillText(new Date(this.times[count - 1]).toLocaleTimeString(), width - right, top + plotHeight + 6);

    // Points are spaced by the window's capacity, so the line grows from the left until the window is full.
    const spacing = plotWidth / Math.max(1, this.capacity - 1);
    const x0 = left + plotWidth - spacing * (count - 1);
    g.lineWidth = 2;
    g.lineJoin = 'round';
    for (const s of this.series) {
      g.strokeStyle = s.color;
      g.beginPath();
      s.values.forEach((value, i) => {
        const x = x0 + spacing * i;
        const y = top + plotHeight - (max === 0 ? 0 : (value / max) * plotHeight);
        if (i === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      });
      g.stroke();
    }
  }
}

// 1, 2 or 5 times a power of ten, at least the value: grid lines at round numbers.
export function niceCeiling(value) {
  if (value <= 0) return 0.25;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) {
    if (value <= m * power) return m * power;
  }
  return 10 * power;
}
