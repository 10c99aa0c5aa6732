// The price chart: candles and volume for the selected instrument (TradingView's
// lightweight-charts), loaded from the history endpoint and kept current by live bars.
// Interval buttons 1s..1d. When the server has no history endpoint the chart starts empty and
// fills from live bars only.
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { ApiError, encodeSymbol } from '../api';
import { h } from '../dom';
import type { AppState } from '../state';
import type { Bar } from '../types';
import { INTERVALS } from '../types';

export const UP = '#26a69a';
export const DOWN = '#ef5350';

export function chartTheme() {
  return {
    layout: {
      background: { type: ColorType.Solid, color: '#0f1419' },
      textColor: '#8b949e',
      fontFamily: "'JetBrains Mono', 'DejaVu Sans Mono', ui-monospace, monospace",
      fontSize: 11,
    },
    grid: { vertLines: { color: '#1b222c' }, horzLines: { color: '#1b222c' } },
    rightPriceScale: { borderColor: '#263040' },
    timeScale: { borderColor: '#263040', timeVisible: true, secondsVisible: true },
    crosshair: { mode: CrosshairMode.Normal },
    autoSize: true,
  };
}

export class ChartPanel {
  readonly element: HTMLElement;
  private chart: IChartApi;
  private candles: ISeriesApi<'Candlestick'>;
  private volume: ISeriesApi<'Histogram'>;
  private status: HTMLElement;
  private lastTime = 0;
  private barsShown = 0;
  private loadToken = 0;

  constructor(private readonly state: AppState) {
    const buttons = INTERVALS.map((iv) =>
      h(
        'button',
        {
          type: 'button',
          class: 'seg',
          'aria-pressed': String(iv === state.selection.interval),
          'aria-label': `Interval ${iv}`,
          'data-interval': iv,
          onclick: () => state.select({ interval: iv }),
        },
        iv,
      ),
    );
    this.status = h('span', { class: 'muted chart-status', 'data-testid': 'chart-status' });
    const canvas = h('div', { class: 'chart-canvas', role: 'img', 'aria-label': 'Price chart' });
    this.element = h(
      'section',
      { class: 'panel chart-panel', 'aria-label': 'Chart' },
      h('header', { class: 'panel-head' },
        h('h2', { class: 'chart-title' }, state.selection.symbol),
        h('div', { class: 'segmented', role: 'group', 'aria-label': 'Chart interval' }, buttons),
        this.status,
      ),
      canvas,
    );
    this.chart = createChart(canvas, chartTheme());
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
    });
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
    this.chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });

    state.feed.on('bar', (b) => this.onBar(b));
    state.onSelect((s, previous) => {
      if (s.symbol !== previous.symbol || s.interval !== previous.interval) {
        for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.interval === s.interval));
        this.element.querySelector('.chart-title')!.textContent = s.symbol;
        void this.load();
      }
    });
    void this.load();
  }

  private precision(): number {
    return this.state.instrument?.pricePrecision ?? 2;
  }

  private async load(): Promise<void> {
    const token = ++this.loadToken;
    const { symbol, interval } = this.state.selection;
    const p = this.precision();
    this.candles.applyOptions({ priceFormat: { type: 'price', precision: p, minMove: 1 / 10 ** p } });
    this.candles.setData([]);
    this.volume.setData([]);
    this.lastTime = 0;
    this.barsShown = 0;
    this.status.textContent = 'loading…';
    try {
      const answer = await this.state.api.get<{ bars: Bar[] }>(
        `/api/v1/market-data/history/${encodeSymbol(symbol)}?interval=${interval}`,
      );
      if (token !== this.loadToken) return;
      const bars = [...answer.bars].sort((a, b) => a.time - b.time);
      this.candles.setData(bars.map(toCandle));
      this.volume.setData(bars.map(toVolume));
      this.lastTime = bars.length ? bars[bars.length - 1].time : 0;
      this.barsShown = bars.length;
      this.status.textContent = '';
    } catch (e) {
      if (token !== this.loadToken) return;
      this.status.textContent = e instanceof ApiError && e.status === 404 ? 'live only' : 'history unavailable';
    }
    this.element.dataset.bars = String(this.barsShown);
  }

  private onBar(b: Bar): void {
    if (b.time < this.lastTime) return; // an older bar than the chart's last: ignore
    this.candles.update(toCandle(b));
    this.volume.update(toVolume(b));
    if (b.time > this.lastTime) this.barsShown += 1;
    this.lastTime = b.time;
    this.element.dataset.bars = String(this.barsShown);
    this.element.dataset.lastClose = b.close;
    this.element.dataset.updates = String(Number(this.element.dataset.updates ?? '0') + 1);
  }
}

function toCandle(b: Bar) {
  return { time: b.time as UTCTimestamp, open: Number(b.open), high: Number(b.high), low: Number(b.low), close: Number(b.close) };
}

function toVolume(b: Bar) {
  return {
    time: b.time as UTCTimestamp,
    value: Number(b.volume),
    color: Number(b.close) >= Number(b.open) ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)',
  };
}
