// The live dashboard: one Server-Sent Events stream (GET /api/stream) keeps the picture current;
// the as-of slider asks the totals endpoints with ?asOf=; clicking a district, sector or cell lists
// the events behind it (GET /api/events). Plain ES module, no build step.
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { amount as eventAmount, cents, exact, headline, yi } from './money.js';
import { initialLanguage, remember, t, translate } from './i18n.js';

const KIND_COLOURS = { signing: '#0072B2', groundbreaking: '#D55E00', funding: '#009E73' };
/** Where each district lies on the map of Suzhou, as [row, column] of a 5 × 4 grid (north up). */
const MAP = {
  zhangjiagang: [1, 2], changshu: [1, 3], taicang: [1, 4],
  xiangcheng: [2, 2], kunshan: [3, 4],
  snd: [3, 1], gusu: [3, 2], sip: [3, 3],
  wuzhong: [4, 2], wujiang: [5, 2],
};
/**
 * Viridis, light to dark, so that darker means more: a sequential scale that reads the same under
 * every common colour-vision deficiency and in greyscale.
 */
const VIRIDIS = ['#fde725', '#b5de2b', '#6ece58', '#35b779', '#1f9e89', '#26828e', '#31688e', '#3e4989', '#482878', '#440154'];
const TOKEN_KEY = 'ledger.readToken';

const state = {
  lang: initialLanguage(),
  kind: 'signing',
  districts: [], sectors: [],           // reference codes with names
  live: { summary: null, districts: new Map(), sectors: new Map(), cells: new Map() },
  past: null,                            // the as-of picture while the slider is not at live
  asOf: null,
  feed: [],
  lastId: null, instance: null, updated: null, complete: false, connected: false,
  range: { from: null, to: null },
};

const $ = id => document.getElementById(id);
let districtChart;
let sectorChart;

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { ...extra };
  if (token()) {
    h.Authorization = 'Bearer ' + token();
  }
  return h;
}

/** GET a JSON resource; a 401 asks for the read token once and retries. */
async function getJson(path) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/json' }) });
  if (response.status === 401) {
    await askToken();
    return getJson(path);
  }
  if (!response.ok) {
    throw new Error(`${path}: ${response.status}`);
  }
  return response.json();
}

let tokenAsked = null;
function askToken() {
  if (!tokenAsked) {
    tokenAsked = new Promise(resolve => {
      const dialog = $('token-dialog');
      $('token-form').addEventListener('submit', () => {
        sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
        tokenAsked = null;
        resolve();
      }, { once: true });
      dialog.showModal();
    });
  }
  return tokenAsked;
}

// ---------------------------------------------------------------- the live stream

async function connect() {
  for (;;) {
    try {
      const h = headers({ Accept: 'text/event-stream' });
      if (state.lastId) {
        h['Last-Event-ID'] = state.lastId;
      }
      const response = await fetch('/api/stream', { headers: h, cache: 'no-store' });
      if (response.status === 401) {
        await askToken();
        continue;
      }
      if (!response.ok || !response.body) {
        throw new Error('stream: ' + response.status);
      }
      state.connected = true;
      renderStatus();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message = parse(block);
          if (message) {
            receive(message);
          }
        }
      }
    } catch (e) {
      // a lost connection, a restarting instance: reconnect below, resuming from the last id
    }
    state.connected = false;
    renderStatus();
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

function parse(block) {
  let id = null;
  let event = null;
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) {
      id = line.slice(4);
    } else if (line.startsWith('event: ')) {
      event = line.slice(7);
    } else if (line.startsWith('data: ')) {
      data += line.slice(6);
    }
  }
  return event && data ? { id, event, data: JSON.parse(data) } : null;
}

function receive({ id, event, data }) {
  state.lastId = id;
  state.instance = data.instance;
  state.updated = data.at;
  state.complete = data.complete;
  const live = state.live;
  if (event === 'snapshot') {
    live.summary = data.summary;
    live.districts = new Map(data.districts.map(d => [d.district, d]));
    live.sectors = new Map(data.sectors.map(s => [s.sector, s]));
    live.cells = new Map(data.cells.map(c => [c.district + '|' + c.sector, c]));
    state.feed = data.events.slice();
  } else if (event === 'delta') {
    if (data.summary) {
      live.summary = data.summary;
    }
    data.districts.forEach(d => live.districts.set(d.district, d));
    data.sectors.forEach(s => live.sectors.set(s.sector, s));
    data.cells.forEach(c => live.cells.set(c.district + '|' + c.sector, c));
    state.feed = data.events.concat(state.feed).slice(0, 50);
  }
  if (event !== 'status') {
    extendRange(data.events);
    renderFeed(event === 'delta' ? data.events.length : 0);
    if (!state.asOf) {
      renderPicture();
    }
  }
  renderStatus();
}

// ---------------------------------------------------------------- as of an instant

function extendRange(events) {
  for (const e of events) {
    const at = Date.parse(e.occurredAt);
    if (state.range.to === null || at > state.range.to) {
      state.range.to = at;
    }
    if (state.range.from === null || at < state.range.from) {
      state.range.from = at;
    }
  }
}

function sliderInstant(position) {
  const { from, to } = state.range;
  const span = Math.max(to - from, 3600000);
  return new Date(from + Math.round(span * position / 1000));
}

let asOfTimer = null;
function onSlider() {
  const position = Number($('asof-slider').value);
  clearTimeout(asOfTimer);
  if (position >= 1000 || state.range.from === null) {
    goLive();
    return;
  }
  const at = sliderInstant(position);
  $('asof-value').textContent = `${t(state.lang, 'asof.at')} ${formatTime(at.toISOString())}`;
  $('asof-value').dataset.asof = at.toISOString();
  asOfTimer = setTimeout(() => loadPast(at), 250);
}

async function loadPast(at) {
  const q = 'asOf=' + encodeURIComponent(at.toISOString());
  const [summary, districts, sectors] = await Promise.all([
    getJson('/api/totals/summary?' + q), getJson('/api/totals/districts?' + q), getJson('/api/totals/sectors?' + q)]);
  const cells = new Map();
  const asks = [];
  for (const d of state.districts) {
    for (const s of state.sectors) {
      asks.push(getJson(`/api/totals/districts/${d.code}/sectors/${s.code}?${q}`).then(c => cells.set(d.code + '|' + s.code, c)));
    }
  }
  await Promise.all(asks);
  if (Number($('asof-slider').value) >= 1000) {
    return;
  }
  state.asOf = at;
  state.past = { summary, districts: new Map(districts.map(x => [x.district, x])),
    sectors: new Map(sectors.map(x => [x.sector, x])), cells };
  document.body.classList.add('past');
  $('asof-live').disabled = false;
  renderPicture();
  renderStatus();
}

function goLive() {
  state.asOf = null;
  state.past = null;
  $('asof-slider').value = 1000;
  $('asof-value').textContent = t(state.lang, 'asof.live');
  delete $('asof-value').dataset.asof;
  $('asof-live').disabled = true;
  document.body.classList.remove('past');
  renderPicture();
  renderStatus();
}

// ---------------------------------------------------------------- rendering

function picture() {
  return state.asOf ? state.past : state.live;
}

function name(list, code) {
  const found = list.find(x => x.code === code);
  return found ? (state.lang === 'zh' ? found.nameZh : found.nameEn) : code;
}

function cny(totals, kind) {
  return totals && totals[kind] ? (totals[kind].amounts.CNY || '0.00') : '0.00';
}

function setFigure(key, value, currency) {
  const el = document.querySelector(`[data-figure="${key}"]`);
  if (currency === null) {
    el.textContent = String(value);
    el.removeAttribute('title');
    return;
  }
  el.textContent = headline(value, currency, state.lang);
  el.title = exact(value, currency);
  el.dataset.exact = value;
}

function renderHeadline(summary) {
  const s = summary || { signing: { count: 0, amounts: {} }, groundbreaking: { count: 0, amounts: {}, plannedWithinYear: {} },
    funding: { count: 0, amounts: {}, matching: {} } };
  setFigure('signing.count', s.signing.count, null);
  setFigure('signing.amount', s.signing.amounts.CNY || '0.00', 'CNY');
  setFigure('signing.usd', s.signing.amounts.USD || '0.00', 'USD');
  setFigure('groundbreaking.count', s.groundbreaking.count, null);
  setFigure('groundbreaking.amount', s.groundbreaking.amounts.CNY || '0.00', 'CNY');
  setFigure('groundbreaking.planned', (s.groundbreaking.plannedWithinYear || {}).CNY || '0.00', 'CNY');
  setFigure('funding.count', s.funding.count, null);
  setFigure('funding.amount', s.funding.amounts.CNY || '0.00', 'CNY');
  setFigure('funding.matching', (s.funding.matching || {}).CNY || '0.00', 'CNY');
}

function colour(share) {
  const i = Math.min(VIRIDIS.length - 1, Math.max(0, Math.floor(share * (VIRIDIS.length - 1) + 0.5)));
  return { bg: VIRIDIS[i], fg: i >= 4 ? '#fff' : '#000' };
}

function chartValue(amount) {
  return state.lang === 'zh' ? yi(amount) : yi(amount) / 10;
}

function renderMap(p) {
  const map = $('map');
  const values = state.districts.map(d => cents(cny(p.districts.get(d.code), state.kind)));
  const max = values.reduce((a, b) => (b > a ? b : a), 1n);
  map.replaceChildren(...state.districts.map((d, i) => {
    const totals = p.districts.get(d.code);
    const amount = cny(totals, state.kind);
    const [row, col] = MAP[d.code] || [5, 4];
    const { bg, fg } = colour(Number((values[i] * 1000n) / max) / 1000);
    const tile = document.createElement('button');
    tile.type = 'button';
    tile.className = 'tile';
    tile.dataset.district = d.code;
    tile.style.gridRow = row;
    tile.style.gridColumn = col;
    tile.style.background = bg;
    tile.style.color = fg;
    tile.title = `${name(state.districts, d.code)}: ${exact(amount, 'CNY')}`;
    const label = document.createElement('span');
    label.className = 'name';
    // the two parks' English names do not fit a tile: their usual abbreviations, the full name in the title
    label.textContent = state.lang === 'en' && name(state.districts, d.code).length > 14 ? d.code.toUpperCase()
      : name(state.districts, d.code);
    const num = document.createElement('span');
    num.className = 'num';
    num.textContent = `${headline(amount, 'CNY', state.lang)} · ${totals ? totals[state.kind].count : 0}`;
    tile.append(label, num);
    tile.addEventListener('click', () => openEvents({ district: d.code }));
    return tile;
  }));
  $('map-legend').textContent = t(state.lang, 'legend');
}

function bars(chart, labels, values, codes, onClick) {
  chart.setOption({
    aria: { enabled: true },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', valueFormatter: v => v.toFixed(2) + ' ' + t(state.lang, 'amountAxis') },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { fontSize: 12 } },
    series: [{ type: 'bar', data: values, itemStyle: { color: KIND_COLOURS[state.kind] },
      label: { show: true, position: 'right', formatter: d => d.value.toFixed(2), fontSize: 11 } }],
  }, { notMerge: true });
  chart.off('click');
  chart.on('click', e => onClick(codes[e.dataIndex]));
}

function renderBars(p) {
  const unit = `${t(state.lang, 'amountAxis')} · ${kindLabel(state.kind)}`;
  $('districts-unit').textContent = unit;
  $('sectors-unit').textContent = unit;
  $('heat-unit').textContent = unit;
  bars(districtChart, state.districts.map(d => name(state.districts, d.code)),
    state.districts.map(d => chartValue(cny(p.districts.get(d.code), state.kind))),
    state.districts.map(d => d.code), code => openEvents({ district: code }));
  bars(sectorChart, state.sectors.map(s => name(state.sectors, s.code)),
    state.sectors.map(s => chartValue(cny(p.sectors.get(s.code), state.kind))),
    state.sectors.map(s => s.code), code => openEvents({ sector: code }));
  $('sectors-list').replaceChildren(...state.sectors.map(s => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.sector = s.code;
    const amount = cny(p.sectors.get(s.code), state.kind);
    b.title = exact(amount, 'CNY');
    b.append(name(state.sectors, s.code) + ': ');
    const num = document.createElement('span');
    num.className = 'num';
    num.textContent = headline(amount, 'CNY', state.lang);
    b.append(num);
    b.addEventListener('click', () => openEvents({ sector: s.code }));
    li.append(b);
    return li;
  }));
}

function renderHeat(p) {
  const table = $('heat');
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  state.sectors.forEach(s => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name(state.sectors, s.code);
    head.append(th);
  });
  let max = 1n;
  p.cells.forEach(c => {
    const v = cents(cny(c, state.kind));
    if (v > max) {
      max = v;
    }
  });
  const rows = state.districts.map(d => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = name(state.districts, d.code);
    tr.append(th);
    state.sectors.forEach(s => {
      const cell = p.cells.get(d.code + '|' + s.code);
      const amount = cny(cell, state.kind);
      const v = cents(amount);
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.district = d.code;
      b.dataset.sector = s.code;
      if (v > 0n) {
        const { bg, fg } = colour(Number((v * 1000n) / max) / 1000);
        b.style.background = bg;
        b.style.color = fg;
        b.textContent = (state.lang === 'zh' ? yi(amount) : yi(amount) / 10).toFixed(1);
      } else {
        b.style.background = '#eee';
        b.style.color = '#666';
        b.textContent = '·';
      }
      b.title = `${name(state.districts, d.code)} × ${name(state.sectors, s.code)}: ${exact(amount, 'CNY')}`;
      b.setAttribute('aria-label', b.title);
      b.addEventListener('click', () => openEvents({ district: d.code, sector: s.code }));
      td.append(b);
      tr.append(td);
    });
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(thead, tbody);
}

function renderPicture() {
  const p = picture();
  if (!p || state.districts.length === 0) {
    return;
  }
  renderHeadline(p.summary);
  renderMap(p);
  renderBars(p);
  renderHeat(p);
}

function kindLabel(kind) {
  return t(state.lang, 'kind.' + kind.toLowerCase());
}

function renderFeed(fresh) {
  $('feed').replaceChildren(...state.feed.map((e, i) => {
    const li = document.createElement('li');
    li.dataset.eventId = e.eventId;
    li.style.borderLeftColor = KIND_COLOURS[e.kind.toLowerCase()];
    if (i < fresh) {
      li.className = 'new';
    }
    const what = document.createElement('div');
    what.className = 'what';
    const amount = document.createElement('span');
    amount.textContent = eventAmount(e.amount, e.currency, state.lang);
    amount.title = exact(e.amount, e.currency);
    what.append(`${kindLabel(e.kind)} · ${e.projectName || e.project} · `, amount);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${name(state.districts, e.district)} · ${name(state.sectors, e.sector)} · ${formatTime(e.occurredAt)} · ${e.eventId}`;
    li.append(what, meta);
    return li;
  }));
}

function formatTime(iso) {
  return new Date(iso).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function renderStatus() {
  const el = $('status-state');
  const mode = !state.connected ? 'offline' : state.asOf ? 'past' : state.complete ? 'live' : 'stale';
  el.className = 'state ' + mode;
  el.dataset.state = mode;
  el.textContent = t(state.lang, 'status.' + mode);
  $('status-instance').textContent = state.instance || '–';
  $('status-updated').textContent = state.updated ? formatTime(state.updated) : '–';
}

// ---------------------------------------------------------------- the events behind a figure

async function openEvents({ district, sector }) {
  const q = new URLSearchParams({ type: state.kind.toUpperCase(), limit: '100' });
  if (district) {
    q.set('district', district);
  }
  if (sector) {
    q.set('sector', sector);
  }
  if (state.asOf) {
    q.set('to', state.asOf.toISOString());
  }
  const page = await getJson('/api/events?' + q);
  const title = [district && name(state.districts, district), sector && name(state.sectors, sector)].filter(Boolean).join(' × ');
  $('events-title').textContent = `${t(state.lang, 'events.title')}: ${title} · ${kindLabel(state.kind)}`;
  const table = $('events-table');
  const head = document.createElement('tr');
  ['events.when', 'events.kind', 'events.project', 'events.district', 'events.sector', 'events.amount'].forEach(k => {
    const th = document.createElement('th');
    th.textContent = t(state.lang, k);
    head.append(th);
  });
  const rows = page.events.map(e => {
    const tr = document.createElement('tr');
    tr.dataset.eventId = e.eventId;
    [formatTime(e.occurredAt), kindLabel(e.kind), e.project, name(state.districts, e.district), name(state.sectors, e.sector)]
      .forEach(text => {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      });
    const td = document.createElement('td');
    td.className = 'num';
    td.textContent = exact(e.amount, e.currency);
    tr.append(td);
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 6;
    td.textContent = t(state.lang, 'events.none');
    tr.append(td);
    rows.push(tr);
  }
  const caption = document.createElement('caption');
  caption.textContent = page.nextCursor ? t(state.lang, 'events.more').replace('{n}', String(page.events.length)) : '';
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(caption, thead, tbody);
  $('events-dialog').showModal();
}

// ---------------------------------------------------------------- start

function setLanguage(lang) {
  state.lang = lang;
  remember(lang);
  translate(lang);
  $('lang').textContent = lang === 'zh' ? 'EN' : '中文';
  if (!state.asOf) {
    $('asof-value').textContent = t(lang, 'asof.live');
  }
  renderPicture();
  renderFeed(0);
  renderStatus();
}

async function start() {
  districtChart = echarts.init($('districts-chart'));
  sectorChart = echarts.init($('sectors-chart'));
  window.addEventListener('resize', () => {
    districtChart.resize();
    sectorChart.resize();
  });
  $('lang').addEventListener('click', () => setLanguage(state.lang === 'zh' ? 'en' : 'zh'));
  document.querySelectorAll('input[name="kind"]').forEach(input => input.addEventListener('change', () => {
    state.kind = input.value;
    renderPicture();
  }));
  $('asof-slider').addEventListener('input', onSlider);
  $('asof-live').addEventListener('click', goLive);
  setLanguage(state.lang);
  const [districts, sectors, first] = await Promise.all([getJson('/api/reference/districts'), getJson('/api/reference/sectors'),
    getJson('/api/events?limit=1')]);
  state.districts = districts;
  state.sectors = sectors;
  extendRange(first.events);
  renderPicture();
  connect();
}

start();
