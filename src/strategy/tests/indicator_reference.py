#!/usr/bin/env python3
"""Reference values for the strategy module's indicators, computed the slow, direct way.

Every value is recomputed from its definition over the whole window at every step (no running
sums, no incremental updates), with Python's stdlib only, so that it shares no code and no
numerical shortcut with src/strategy/indicators.hpp.

Input: CSV rows high,low,close,volume (one per bar). Output: one CSV row per bar:
sma,ema,rsi,macd,signal,hist,boll_mid,boll_up,boll_low,atr,vwap,z,beta,alpha
with "nan" where the indicator is not ready yet.
Settings (fixed, mirrored by indicators_test.cpp): SMA 10, EMA 10, RSI 14, MACD 12/26/9,
Bollinger 20 x 2, ATR 14, z-score 15, regression 25 of close on high (x = high, y = close).
"""
import math
import sys


def sma_at(xs, i, n):
    if i + 1 < n:
        return math.nan
    return math.fsum(xs[i + 1 - n:i + 1]) / n


def ema_series(xs, n):
    out = [math.nan] * len(xs)
    alpha = 2.0 / (n + 1)
    value = None
    for i in range(len(xs)):
        if i + 1 == n:
            value = math.fsum(xs[:n]) / n
        elif i + 1 > n:
            value = value + alpha * (xs[i] - value)
        if value is not None:
            out[i] = value
    return out


def wilder_series(xs, n):
    out = [math.nan] * len(xs)
    value = None
    for i in range(len(xs)):
        if i + 1 == n:
            value = math.fsum(xs[:n]) / n
        elif i + 1 > n:
            value = (value * (n - 1) + xs[i]) / n
        if value is not None:
            out[i] = value
    return out


def pstdev(window):
    m = math.fsum(window) / len(window)
    return m, math.sqrt(math.fsum((v - m) ** 2 for v in window) / len(window))


def main():
    rows = [list(map(float, line.split(','))) for line in open(sys.argv[1]) if line.strip()]
    high = [r[0] for r in rows]
    low = [r[1] for r in rows]
    close = [r[2] for r in rows]
    volume = [r[3] for r in rows]
    n = len(rows)

    ema = ema_series(close, 10)
    changes = [close[i] - close[i - 1] for i in range(1, n)]
    gains = wilder_series([max(c, 0.0) for c in changes], 14)
    losses = wilder_series([max(-c, 0.0) for c in changes], 14)
    rsi = [math.nan]
    for g, l in zip(gains, losses):
        if math.isnan(g):
            rsi.append(math.nan)
        elif l == 0:
            rsi.append(50.0 if g == 0 else 100.0)
        else:
            rsi.append(100.0 - 100.0 / (1.0 + g / l))
    fast = ema_series(close, 12)
    slow = ema_series(close, 26)
    macd = [f - s for f, s in zip(fast, slow)]
    first = next(i for i, v in enumerate(macd) if not math.isnan(v))
    signal = [math.nan] * first + ema_series(macd[first:], 9)
    tr = [high[0] - low[0]] + [max(high[i] - low[i], abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1]))
                               for i in range(1, n)]
    atr = wilder_series(tr, 14)

    out = []
    for i in range(n):
        row = [sma_at(close, i, 10), ema[i], rsi[i], macd[i], signal[i],
               macd[i] - signal[i] if not math.isnan(signal[i]) else math.nan]
        if i + 1 >= 20:
            m, sd = pstdev(close[i - 19:i + 1])
            row += [m, m + 2 * sd, m - 2 * sd]
        else:
            row += [math.nan] * 3
        row.append(atr[i])
        typical = [(high[j] + low[j] + close[j]) / 3 for j in range(i + 1)]
        row.append(math.fsum(t * v for t, v in zip(typical, volume[:i + 1])) / math.fsum(volume[:i + 1]))
        if i + 1 >= 15:
            m, sd = pstdev(close[i - 14:i + 1])
            row.append((close[i] - m) / sd if sd > 0 else 0.0)
        else:
            row.append(math.nan)
        if i + 1 >= 25:
            xs, ys = high[i - 24:i + 1], close[i - 24:i + 1]
            mx, my = math.fsum(xs) / 25, math.fsum(ys) / 25
            sxx = math.fsum((x - mx) ** 2 for x in xs)
            sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys))
            beta = sxy / sxx
            row += [beta, my - beta * mx]
        else:
            row += [math.nan, math.nan]
        out.append(','.join(repr(v) for v in row))
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
